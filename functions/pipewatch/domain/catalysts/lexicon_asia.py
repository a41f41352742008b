"""Catalyst words of Chinese, Japanese and Korean, one Lexicon each (see lexicon.py). These scripts do not
separate words, so every entry matches anywhere; the dates themselves are in date_patterns.py."""

from __future__ import annotations

from pipewatch.domain.catalysts.lexicon import Lexicon

CHINESE = Lexicon(
    # (招募: recruitment, "患者招募预计于2026年完成")
    enrollment_complete=(r"(?:入组|招募)[^。，,]{0,8}?完成|完成(?:全部)?(?:患者|受试者)?(?:入组|招募)",),
    trial_completion=(r"(?:试验|研究)[^。，,]{0,8}?完成|完成(?:全部)?(?:临床)?(?:试验|研究)",),
    trial_start=(r"启动|开始入组|首例(?:患者)?(?:入组|给药)|开展",),
    decision=(
        r"批准决定|审批决定|目标行动日期|获批上市|批准上市|审评结论|完成审评|审批结果|审评结果",
        r"PDUFA",
        r"纳入(?:国家)?医保|医保谈判|医保目录",
    ),
    congress=(r"大会|年会|学术会议|口头报告|壁报",),
    filing=(r"提交|递交|申报|上市申请|获受理|受理|报产",),
    readout=(r"结果|数据|读出|揭盲|顶线",),
    launch=(r"上市|商业化|发售|开售|(?:正式|开始)销售|进入市场",),
    approval=(r"获批|批准",),
    other=(
        r"与(?:美国)?(?:FDA|EMA|药监局|监管机构|CDE)\S{0,6}(?:沟通|会议|会面|交流)|(?:Pre-?(?:NDA|BLA|IND)|EOP2|pre-?NDA)\s*会议|沟通交流会",
    ),
    forward=(r"预计|计划|将|有望|预期|拟|争取|目标|即将|准备|或于|可望",),
    # "已完成向美国FDA递交申请", "已获批": 已 before the verb recounts
    past=(r"已经|已于|此前|曾|已(?:完成|递交|提交|获|启动|开展|开始|向)",),
    financial=(r"现金|营收|收入|利润|业绩|销售额",),
)

JAPANESE = Lexicon(
    # the date often stands between the subject and its verb ("症例登録は2026年3月までに完了"): the
    # extractor reads the two sides as one clause, so a particle and a space may come between
    enrollment_complete=(r"(?:症例)?登録[^。、]{0,8}?完了|組み入れ[^。、]{0,8}?完了",),
    trial_completion=(r"(?:試験|治験)[^。、]{0,8}?(?:完了|終了)",),
    trial_start=(r"(?:試験|治験)[^。、]{0,8}?開始|最初の患者|投与開始",),
    decision=(r"承認(?:の)?可否|審査終了目標日|PDUFA|薬価収載|薬価基準|審査結果",),
    congress=(r"学会|シンポジウム|ポスター発表|口頭発表",),
    filing=(r"申請|提出",),
    readout=(r"結果|データ|トップライン|成績",),
    launch=(r"発売|上市|販売(?:を|が)?(?:開始|始め|始ま)|市場投入",),
    approval=(r"承認",),
    other=(r"(?:当局|FDA|EMA|PMDA)との?(?:協議|面談|会議|相談)|対面助言|事前相談",),
    forward=(r"予定|見込|計画|目指|見通し|予想|期待|する方針|めど|メド|想定|目標",),
    # (a past copula after the date: "PDUFAの期限日は9月21日であった" recounts a deadline gone by)
    past=(r"しました|された|済み|であった|だった",),
    financial=(r"売上|業績|決算|現金|利益",),
)

KOREAN = Lexicon(
    # "환자 모집은 내년 1분기 완료될": the date between the subject (with its particle) and the verb
    # ("환자 투약을 마무리", "투여를 완료": the last patients dosed, as "complete dosing")
    enrollment_complete=(
        r"(?:환자\s*)?(?:모집|등록)[^.,]{0,8}?(?:완료|마무리)",
        r"(?:투약|투여)\s*(?:을|를)?\s*(?:완료|마무리|마치)",
    ),
    trial_completion=(r"임상(?:시험)?[^.,]{0,8}?(?:완료|종료|마무리)",),
    # "임상 3상을 개시", "1상 시험에 착수", "첫 환자 투여", "환자 모집을 시작"
    trial_start=(
        r"(?:임상|시험|[1-3]상)\S*(?:\s+\S+){0,2}?\s*(?:개시|시작|착수|돌입|진입)",
        r"첫\s*(?:환자|피험자)\s*(?:투여|등록|모집)|투여\s*개시",
        r"(?:환자\s*)?(?:모집|등록)\s*(?:을\s*)?(?:개시|시작)",
    ),
    # "허가 결과 발표": the approval's outcome, not trial results
    decision=(
        r"(?:허가|승인)\s*(?:여부|결정)|PDUFA|급여\s*(?:등재|적용|결정)|건강보험\s*적용|(?:허가|승인|심사)\s*결과",
    ),
    congress=(r"학회|컨퍼런스|심포지엄|포스터|구두\s*발표|연례\s*회의|학술\s*대회",),
    filing=(r"(?:허가|승인)\s*신청|재신청|신청|제출",),
    readout=(r"결과|데이터|톱라인|탑라인",),
    launch=(
        r"출시|시판|상용화|발매|선보일|선보인다|선보이|판매\s*(?:를\s*)?(?:개시|시작)|시장\s*(?:진출|진입)",
    ),
    approval=(r"허가|승인",),
    other=(
        r"(?:식약처|규제\s*당국|FDA|EMA)(?:와|과)(?:의)?\s*(?:\S+\s*){0,2}?(?:미팅|회의|협의|논의)|(?:Type\s*[ABC]|사전)\s*미팅|pre-?(?:NDA|BLA|IND)\s*미팅",
    ),
    forward=(r"예정|전망|계획|목표|것으로|할\s*수\s*있을|내다보|기대|방침|예상|추진|앞두고|노린다",),
    past=(r"완료했|받았|획득했|마쳤|지난",),
    # (a count of approvals is a statistic, not a drug's event: "하반기에도 신약 허가 건수가 감소할 전망")
    financial=(r"매출|영업이익|현금|실적|건수",),
)

ASIAN = (CHINESE, JAPANESE, KOREAN)
