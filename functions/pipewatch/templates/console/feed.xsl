<?xml version="1.0" encoding="utf-8"?>
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:atom="http://www.w3.org/2005/Atom">
<xsl:output method="html" encoding="utf-8"/>
<xsl:template match="/atom:feed">
<html lang="en"><head><meta charset="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/><title><xsl:value-of select="atom:title"/></title></head>
<body><main><h1><xsl:value-of select="atom:title"/></h1>
<p>This is a feed: paste its address into a feed reader to follow it.</p>
<ul><xsl:for-each select="atom:entry"><li><a><xsl:attribute name="href"><xsl:value-of select="atom:link/@href"/></xsl:attribute><xsl:value-of select="atom:title"/></a> (<xsl:value-of select="substring(atom:updated, 1, 10)"/>)</li></xsl:for-each></ul>
</main></body></html>
</xsl:template>
</xsl:stylesheet>
