"""Catalyst calendar domain: extraction of forward-looking statements (extract.py, windows.py,
mentions.py), the calendar's rules (calendar.py) and the iCalendar feed (ics.py). Pure: no I/O, no clock."""
