"""The catalyst tables made complete from each language's own words (issue 23, generalisation pass): every
sentence here is HAND-MADE for this test (none is a labelled row), several per language (EN, FR, NL, IT, DE,
ES, PT, ZH, JA, KO) and per form -- quarter, half, year part, relative year and period, a month without a
year, first patient, enrolment and study completion, CHMP opinion, congress, modal and future verbs, the
kinds' nouns, registry and list lines -- and look-alikes (money, reporting periods, past events, vague
horizons) that must stay negative. Page date of every sentence: 2025-06-15."""

from __future__ import annotations

from datetime import date

import pytest

from pipewatch.config import load_data_file
from pipewatch.domain.catalysts.extract import Extractor, reference_date
from pipewatch.domain.catalysts.windows import Reference, find_mentions
from pipewatch.domain.watch.watchlist import Watchlist

PAGE_DATE = date(2025, 6, 15)


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(load_data_file("watchlist.yaml", Watchlist))


# (hand-made sentence, kind, window start, window end)
HAND_MADE_CATALYSTS = [
    (
        "Topline data from the Phase 3 trial are anticipated in the third quarter of 2026.",
        "readout",
        "2026-07-01",
        "2026-09-30",
    ),
    ("The company remains on track to submit a BLA in 3Q26.", "filing", "2026-07-01", "2026-09-30"),
    ("A PDUFA target action date has been set for March 14, 2026.", "decision", "2026-03-14", "2026-03-14"),
    (
        "The company is slated to report pivotal data in the second half of next year.",
        "readout",
        "2026-07-01",
        "2026-12-31",
    ),
    ("An NDA submission is targeted for no later than year-end 2025.", "filing", "2025-10-01", "2025-12-31"),
    ("Commercial launch is guided for early 2026.", "launch", "2026-01-01", "2026-04-30"),
    (
        "First patient dosing in the Phase 2 study is planned for September.",
        "trial_start",
        "2025-09-01",
        "2025-09-30",
    ),
    ("A CHMP opinion is expected in Q4 2025.", "decision", "2025-10-01", "2025-12-31"),
    (
        "Results will be presented at the ASCO Annual Meeting in June 2026.",
        "congress",
        "2026-06-01",
        "2026-06-30",
    ),
    ("Enrolment is expected to be completed by mid-2026.", "enrollment_complete", "2026-04-01", "2026-09-30"),
    ("The FDA decision is expected in the first half of 2026.", "decision", "2026-01-01", "2026-06-30"),
    (
        "Les résultats de l'étude de phase 3 sont attendus au troisième trimestre 2026.",
        "readout",
        "2026-07-01",
        "2026-09-30",
    ),
    (
        "La société prévoit de déposer une demande d'AMM au 3e trimestre 2026.",
        "filing",
        "2026-07-01",
        "2026-09-30",
    ),
    ("Le lancement commercial est prévu au T1 2026.", "launch", "2026-01-01", "2026-03-31"),
    (
        "Les premiers résultats devraient être publiés en septembre 2026.",
        "readout",
        "2026-09-01",
        "2026-09-30",
    ),
    ("La décision de la FDA est attendue au second semestre 2026.", "decision", "2026-07-01", "2026-12-31"),
    (
        "Le recrutement devrait être finalisé d'ici la fin de l'année.",
        "enrollment_complete",
        "2025-10-01",
        "2025-12-31",
    ),
    ("Les données principales sont attendues l'année prochaine.", "readout", "2026-01-01", "2026-12-31"),
    ("Le premier patient devrait être traité en janvier 2026.", "trial_start", "2026-01-01", "2026-01-31"),
    (
        "Les données seront présentées lors du congrès de l'EULAR en juin 2026.",
        "congress",
        "2026-06-01",
        "2026-06-30",
    ),
    (
        "De topline-resultaten worden verwacht in het derde kwartaal van 2026.",
        "readout",
        "2026-07-01",
        "2026-09-30",
    ),
    (
        "Het bedrijf wil de registratieaanvraag in de tweede helft van 2026 indienen.",
        "filing",
        "2026-07-01",
        "2026-12-31",
    ),
    ("De lancering staat gepland voor begin 2026.", "launch", "2026-01-01", "2026-04-30"),
    ("De resultaten worden in september 2026 verwacht.", "readout", "2026-09-01", "2026-09-30"),
    ("Een beslissing van de FDA wordt volgend jaar verwacht.", "decision", "2026-01-01", "2026-12-31"),
    ("De eerste patiënt zal in januari 2026 worden behandeld.", "trial_start", "2026-01-01", "2026-01-31"),
    ("Galapagos verwacht de resultaten in Q3 2026.", "readout", "2026-07-01", "2026-09-30"),
    (
        "I risultati principali sono attesi nel terzo trimestre del 2026.",
        "readout",
        "2026-07-01",
        "2026-09-30",
    ),
    (
        "La società prevede di presentare la domanda di autorizzazione nella seconda metà del 2026.",
        "filing",
        "2026-07-01",
        "2026-12-31",
    ),
    ("Il lancio commerciale è previsto per l'inizio del 2026.", "launch", "2026-01-01", "2026-04-30"),
    ("I dati sono attesi a settembre 2026.", "readout", "2026-09-01", "2026-09-30"),
    ("La decisione dell'EMA è attesa entro la fine del 2025.", "decision", "2025-10-01", "2025-12-31"),
    ("Il primo paziente sarà trattato a gennaio 2026.", "trial_start", "2026-01-01", "2026-01-31"),
    (
        "L'arruolamento dovrebbe concludersi nel primo semestre 2026.",
        "enrollment_complete",
        "2026-01-01",
        "2026-06-30",
    ),
    ("Topline-Daten werden im dritten Quartal 2026 erwartet.", "readout", "2026-07-01", "2026-09-30"),
    ("Die Ergebnisse werden im 3. Quartal 2026 erwartet.", "readout", "2026-07-01", "2026-09-30"),
    (
        "Das Unternehmen plant, den Zulassungsantrag in der zweiten Jahreshälfte 2026 einzureichen.",
        "filing",
        "2026-07-01",
        "2026-12-31",
    ),
    ("Die Markteinführung ist für Anfang 2026 geplant.", "launch", "2026-01-01", "2026-04-30"),
    ("Die Studiendaten sollen im September 2026 vorliegen.", "readout", "2026-09-01", "2026-09-30"),
    (
        "Eine Entscheidung der EMA wird voraussichtlich Ende 2025 erwartet.",
        "decision",
        "2025-10-01",
        "2025-12-31",
    ),
    ("Die Zulassung wird im nächsten Jahr erwartet.", "decision", "2026-01-01", "2026-12-31"),
    ("Der erste Patient soll im Januar 2026 behandelt werden.", "trial_start", "2026-01-01", "2026-01-31"),
    (
        "Die Rekrutierung soll bis Mitte 2026 abgeschlossen sein.",
        "enrollment_complete",
        "2026-04-01",
        "2026-09-30",
    ),
    (
        "Se espera que los resultados principales estén disponibles en el tercer trimestre de 2026.",
        "readout",
        "2026-07-01",
        "2026-09-30",
    ),
    (
        "La compañía prevé presentar la solicitud de autorización en la segunda mitad de 2026.",
        "filing",
        "2026-07-01",
        "2026-12-31",
    ),
    ("El lanzamiento comercial está previsto para principios de 2026.", "launch", "2026-01-01", "2026-04-30"),
    ("Los datos se conocerán en septiembre de 2026.", "readout", "2026-09-01", "2026-09-30"),
    ("La decisión de la FDA se espera para finales de 2025.", "decision", "2025-10-01", "2025-12-31"),
    ("La aprobación se espera el próximo año.", "decision", "2026-01-01", "2026-12-31"),
    ("El primer paciente será tratado en enero de 2026.", "trial_start", "2026-01-01", "2026-01-31"),
    (
        "El reclutamiento finalizará en el primer semestre de 2026.",
        "enrollment_complete",
        "2026-01-01",
        "2026-06-30",
    ),
    (
        "Os resultados principais são esperados no terceiro trimestre de 2026.",
        "readout",
        "2026-07-01",
        "2026-09-30",
    ),
    (
        "A empresa planeja submeter o pedido de registro no segundo semestre de 2026.",
        "filing",
        "2026-07-01",
        "2026-12-31",
    ),
    ("O lançamento está previsto para o início de 2026.", "launch", "2026-01-01", "2026-04-30"),
    ("Os dados devem ser divulgados em setembro de 2026.", "readout", "2026-09-01", "2026-09-30"),
    ("A decisão da Anvisa é esperada até o final de 2025.", "decision", "2025-10-01", "2025-12-31"),
    ("A aprovação é esperada no próximo ano.", "decision", "2026-01-01", "2026-12-31"),
    ("O primeiro paciente deve ser tratado em janeiro de 2026.", "trial_start", "2026-01-01", "2026-01-31"),
    ("Os resultados são esperados no 3º trimestre de 2026.", "readout", "2026-07-01", "2026-09-30"),
    ("公司预计将于2026年第三季度公布顶线数据。", "readout", "2026-07-01", "2026-09-30"),
    ("该药物计划于2026年下半年提交上市申请。", "filing", "2026-07-01", "2026-12-31"),
    ("预计明年上市。", "launch", "2026-01-01", "2026-12-31"),
    ("有望在2026年获批。", "decision", "2026-01-01", "2026-12-31"),
    ("计划于2025年9月启动III期临床试验。", "trial_start", "2025-09-01", "2025-09-30"),
    ("预计2026年上半年完成患者入组。", "enrollment_complete", "2026-01-01", "2026-06-30"),
    ("该研究的结果将于2026年第3季度公布。", "readout", "2026-07-01", "2026-09-30"),
    ("公司预计2026年Q3读出数据。", "readout", "2026-07-01", "2026-09-30"),
    ("2026年第3四半期にトップライン結果を発表する予定です。", "readout", "2026-07-01", "2026-09-30"),
    ("2026年下期に承認申請を行う計画です。", "filing", "2026-07-01", "2026-12-31"),
    ("来年の発売を見込んでいる。", "launch", "2026-01-01", "2026-12-31"),
    ("2026年上半期に承認取得を目指す。", "decision", "2026-01-01", "2026-06-30"),
    ("2025年9月に第3相試験を開始する予定。", "trial_start", "2025-09-01", "2025-09-30"),
    ("2026年度中に申請する見込み。", "filing", "2026-04-01", "2027-03-31"),
    ("회사는 2026년 3분기에 톱라인 결과를 발표할 예정이다.", "readout", "2026-07-01", "2026-09-30"),
    ("2026년 하반기에 품목허가를 신청할 계획이다.", "filing", "2026-07-01", "2026-12-31"),
    ("내년 출시를 목표로 하고 있다.", "launch", "2026-01-01", "2026-12-31"),
    ("2025년 9월 임상 3상을 개시할 예정이다.", "trial_start", "2025-09-01", "2025-09-30"),
    ("2026년 상반기 환자 모집을 완료할 것으로 예상된다.", "enrollment_complete", "2026-01-01", "2026-06-30"),
    ("2026년 허가를 받을 것으로 기대된다.", "decision", "2026-01-01", "2026-12-31"),
    (
        "Eli Lilly expects to submit orforglipron for obesity to global regulators by year-end.",
        "filing",
        "2025-10-01",
        "2025-12-31",
    ),
    ("Topline data are due in the back half of 2026.", "readout", "2026-07-01", "2026-12-31"),
    ("A regulatory decision is anticipated in 1H26.", "decision", "2026-01-01", "2026-06-30"),
    ("Novo expects FDA action on the application in Q4.", "decision", "2025-10-01", "2025-12-31"),
    ("The biotech is eyeing a 2027 launch.", "launch", "2027-01-01", "2027-12-31"),
    (
        "The company said it would release data from the trial early next year.",
        "readout",
        "2026-01-01",
        "2026-04-30",
    ),
    ("A pivotal data readout is slated for Q1.", "readout", "2026-01-01", "2026-03-31"),
    ("An FDA decision is due Sept. 28.", "decision", "2025-09-28", "2025-09-28"),
    ("The agency is set to rule on the drug by March 20.", "decision", "2026-03-20", "2026-03-20"),
    ("Approval could come as soon as next spring.", "decision", "2026-03-01", "2026-05-31"),
    (
        "The company expects to complete enrollment in the fourth quarter of this year.",
        "enrollment_complete",
        "2025-10-01",
        "2025-12-31",
    ),
    (
        "The company plans to begin a Phase 3 trial later this year.",
        "trial_start",
        "2025-06-16",
        "2025-12-31",
    ),
    ("Sanofi prévoit un dépôt réglementaire au premier semestre 2026.", "filing", "2026-01-01", "2026-06-30"),
    ("Les résultats sont attendus d'ici la fin de l'année.", "readout", "2025-10-01", "2025-12-31"),
    ("La commercialisation pourrait intervenir dès le début de 2026.", "launch", "2026-01-01", "2026-04-30"),
    (
        "Le laboratoire table sur une autorisation de mise sur le marché en 2026.",
        "decision",
        "2026-01-01",
        "2026-12-31",
    ),
    ("La FDA doit rendre sa décision le 15 mars prochain.", "decision", "2026-03-15", "2026-03-15"),
    ("Les premiers résultats de l'essai sont attendus à la mi-2026.", "readout", "2026-04-01", "2026-09-30"),
    ("Galapagos verwacht medio 2026 de resultaten.", "readout", "2026-04-01", "2026-09-30"),
    (
        "De goedkeuring wordt in de tweede helft van volgend jaar verwacht.",
        "decision",
        "2026-07-01",
        "2026-12-31",
    ),
    ("De registratieaanvraag wordt eind dit jaar ingediend.", "filing", "2025-10-01", "2025-12-31"),
    ("Argenx verwacht in het eerste kwartaal van 2026 topline-data.", "readout", "2026-01-01", "2026-03-31"),
    ("L'approvazione è attesa entro fine anno.", "decision", "2025-10-01", "2025-12-31"),
    ("Il lancio in Italia è previsto nel corso del 2026.", "launch", "2026-01-01", "2026-12-31"),
    ("I dati di fase 3 arriveranno nella seconda metà dell'anno.", "readout", "2025-07-01", "2025-12-31"),
    ("La FDA dovrebbe pronunciarsi entro il 26 gennaio.", "decision", "2026-01-26", "2026-01-26"),
    (
        "La società conta di depositare la domanda all'EMA nel primo trimestre del prossimo anno.",
        "filing",
        "2026-01-01",
        "2026-03-31",
    ),
    ("La compañía espera obtener la aprobación a finales de año.", "decision", "2025-10-01", "2025-12-31"),
    ("Los resultados se conocerán en el segundo semestre.", "readout", "2025-07-01", "2025-12-31"),
    ("La farmacéutica prevé lanzar el fármaco en España en 2026.", "launch", "2026-01-01", "2026-12-31"),
    ("La FDA tiene previsto pronunciarse antes del 15 de marzo.", "decision", "2026-03-15", "2026-03-15"),
    (
        "Los datos del ensayo de fase 3 se esperan para mediados de 2026.",
        "readout",
        "2026-04-01",
        "2026-09-30",
    ),
    (
        "Mit einer Zulassung rechnet das Unternehmen im kommenden Jahr.",
        "decision",
        "2026-01-01",
        "2026-12-31",
    ),
    ("Daten aus der Phase-III-Studie werden für Mitte 2026 erwartet.", "readout", "2026-04-01", "2026-09-30"),
    (
        "Der Marktstart in Deutschland ist für das erste Halbjahr 2026 geplant.",
        "launch",
        "2026-01-01",
        "2026-06-30",
    ),
    ("Die FDA will bis zum 15. März 2026 entscheiden.", "decision", "2026-03-15", "2026-03-15"),
    ("Bayer will den Zulassungsantrag noch in diesem Jahr einreichen.", "filing", "2025-01-01", "2025-12-31"),
    ("Die Ergebnisse sollen im zweiten Halbjahr 2026 vorliegen.", "readout", "2026-07-01", "2026-12-31"),
    (
        "A expectativa é que o medicamento chegue ao mercado no segundo semestre de 2026.",
        "launch",
        "2026-07-01",
        "2026-12-31",
    ),
    ("A Anvisa deve decidir sobre o pedido até março de 2026.", "decision", "2026-03-01", "2026-03-31"),
    ("Os resultados devem sair no início do próximo ano.", "readout", "2026-01-01", "2026-04-30"),
    (
        "A empresa pretende submeter o pedido à FDA no primeiro trimestre de 2026.",
        "filing",
        "2026-01-01",
        "2026-03-31",
    ),
    ("预计于2026年上半年获批。", "decision", "2026-01-01", "2026-06-30"),
    ("有望于年内上市。", "launch", "2025-01-01", "2025-12-31"),
    ("公司计划年底前递交上市申请。", "filing", "2025-10-01", "2025-12-31"),
    ("预计明年一季度读出顶线数据。", "readout", "2026-01-01", "2026-03-31"),
    ("将于今年第四季度启动III期临床。", "trial_start", "2025-10-01", "2025-12-31"),
    ("该药预计将在2026年年中递交NDA。", "filing", "2026-04-01", "2026-09-30"),
    ("2026年度上期の発売を予定している。", "launch", "2026-04-01", "2026-09-30"),
    ("年内に承認申請を予定。", "filing", "2025-01-01", "2025-12-31"),
    ("来年半ばに結果が得られる見込み。", "readout", "2026-04-01", "2026-09-30"),
    ("2026年前半の承認取得を目指す。", "decision", "2026-01-01", "2026-06-30"),
    ("회사는 연내 품목허가 신청을 목표로 하고 있다.", "filing", "2025-01-01", "2025-12-31"),
    ("내년 상반기 출시 예정이다.", "launch", "2026-01-01", "2026-06-30"),
    ("결과는 내년 초 나올 전망이다.", "readout", "2026-01-01", "2026-04-30"),
    ("FDA 허가 여부는 오는 9월 결정된다.", "decision", "2025-09-01", "2025-09-30"),
    ("올해 4분기 중 임상 1상 IND를 제출할 계획이다.", "filing", "2025-10-01", "2025-12-31"),
    ("올 하반기 임상 2상 결과를 발표할 예정이다.", "readout", "2025-07-01", "2025-12-31"),
    (
        "Topline results from CLARITY, which completed enrollment last year, are expected in Q3 2026.",
        "readout",
        "2026-07-01",
        "2026-09-30",
    ),
    (
        "Following positive Phase 2 data, the company plans to start a Phase 3 trial in 2026.",
        "trial_start",
        "2026-01-01",
        "2026-12-31",
    ),
    (
        "After the FDA accepted the BLA, a PDUFA date was set for November 15, 2025.",
        "decision",
        "2025-11-15",
        "2025-11-15",
    ),
    (
        "The FDA approved the drug in 2024; a launch in Europe is expected in 2026.",
        "launch",
        "2026-01-01",
        "2026-12-31",
    ),
    (
        "The drug, approved in the US in 2023, is expected to be approved in Japan in the first half of "
        "2026.",
        "decision",
        "2026-01-01",
        "2026-06-30",
    ),
    (
        "The company will report fourth-quarter results in February and expects phase 3 data in mid-2026.",
        "readout",
        "2026-04-01",
        "2026-09-30",
    ),
    (
        "Data from both trials are expected in 2026, with a potential filing in 2027.",
        "readout",
        "2026-01-01",
        "2026-12-31",
    ),
    (
        "The trial, which began in 2024, is expected to read out in 2026.",
        "readout",
        "2026-01-01",
        "2026-12-31",
    ),
    (
        "Following a Type B meeting with the FDA, the company plans to submit an NDA in Q1 2026.",
        "filing",
        "2026-01-01",
        "2026-03-31",
    ),
    ("In 2026, the company expects to launch the drug in Europe.", "launch", "2026-01-01", "2026-12-31"),
    ("Lilly to file orforglipron by year-end", "filing", "2025-10-01", "2025-12-31"),
    ("Madrigal said it is on track for a mid-2026 EU launch.", "launch", "2026-04-01", "2026-09-30"),
    ("The drug could win approval as early as 2026.", "decision", "2026-01-01", "2026-12-31"),
    (
        "Approval in the US came in 2024, and the EU decision is expected next year.",
        "decision",
        "2026-01-01",
        "2026-12-31",
    ),
    ("Primary Completion Date (Estimated): 2027-03", "trial_completion", "2027-03-01", "2027-03-31"),
    ("Estimated Study Start Date: September 2025", "trial_start", "2025-09-01", "2025-09-30"),
    ("March 20: Bausch Health PDUFA for Duobrii", "decision", "2026-03-20", "2026-03-20"),
    ("PDUFA date: 3/20/2026", "decision", "2026-03-20", "2026-03-20"),
    ("Expected readout: 2H26", "readout", "2026-07-01", "2026-12-31"),
    ("Next catalyst: Phase 2b data (mid-2026)", "readout", "2026-04-01", "2026-09-30"),
    ("Catalyst: BLA filing, 1H 2026", "filing", "2026-01-01", "2026-06-30"),
    ("Topline data from the Phase 3 trial – 2H 2026", "readout", "2026-07-01", "2026-12-31"),
    ("2026: EU launch", "launch", "2026-01-01", "2026-12-31"),
    ("FDA approval decision (PDUFA): 15 March 2026", "decision", "2026-03-15", "2026-03-15"),
    (
        "Phase 3 topline results expected 1H 2026; NDA submission planned 2H 2026.",
        "readout",
        "2026-01-01",
        "2026-06-30",
    ),
    ("Launch expected in Q2 2026 following approval.", "launch", "2026-04-01", "2026-06-30"),
    ("Approval decision expected: Q1 2026", "decision", "2026-01-01", "2026-03-31"),
    (
        "The FDA accepted the NDA for priority review with a PDUFA goal date of January 31, 2026.",
        "decision",
        "2026-01-31",
        "2026-01-31",
    ),
    (
        "Regulatory submissions in the US and EU are planned for the first half of 2026.",
        "filing",
        "2026-01-01",
        "2026-06-30",
    ),
    (
        "Enrollment completion in the TRIUMPH-3 study is anticipated in early 2026.",
        "enrollment_complete",
        "2026-01-01",
        "2026-04-30",
    ),
    ("Data from the study is projected to be available in late 2026.", "readout", "2026-09-01", "2026-12-31"),
    ("We look forward to sharing 52-week data in the fourth quarter.", "readout", "2025-10-01", "2025-12-31"),
    (
        "Full data will be presented at an upcoming medical meeting in 2026.",
        "congress",
        "2026-01-01",
        "2026-12-31",
    ),
    ("Commercial availability is expected in January.", "launch", "2026-01-01", "2026-01-31"),
    ("The company intends to seek accelerated approval in 2026.", "filing", "2026-01-01", "2026-12-31"),
    (
        "A CRL is possible; the agency's decision is due by the end of the month.",
        "decision",
        "2025-06-01",
        "2025-06-30",
    ),
    ("The drug is expected to hit the market in early 2026.", "launch", "2026-01-01", "2026-04-30"),
    (
        "The company hopes to win the green light from regulators in 2026.",
        "decision",
        "2026-01-01",
        "2026-12-31",
    ),
    (
        "A Biologics License Application is planned for the second half of 2026.",
        "filing",
        "2026-07-01",
        "2026-12-31",
    ),
    ("La autorización de comercialización se espera para 2026.", "decision", "2026-01-01", "2026-12-31"),
    (
        "La compañía confía en obtener luz verde de la EMA en el primer semestre de 2026.",
        "decision",
        "2026-01-01",
        "2026-06-30",
    ),
    ("L'autorizzazione alla commercializzazione è attesa nel 2026.", "decision", "2026-01-01", "2026-12-31"),
    ("Il farmaco dovrebbe arrivare sul mercato italiano nel 2026.", "launch", "2026-01-01", "2026-12-31"),
    ("A autorização de comercialização é esperada para 2026.", "decision", "2026-01-01", "2026-12-31"),
    ("De firma hoopt in 2026 groen licht te krijgen van de EMA.", "decision", "2026-01-01", "2026-12-31"),
    ("Der Studienstart ist für das dritte Quartal 2026 geplant.", "trial_start", "2026-07-01", "2026-09-30"),
    ("Pfizer prévoit de soumettre des demandes d'AMM en 2026.", "filing", "2026-01-01", "2026-12-31"),
    ("该公司的上市申请预计将于2026年获受理。", "filing", "2026-01-01", "2026-12-31"),
    ("2026年中の承認取得を見込んでいる。", "decision", "2026-01-01", "2026-12-31"),
    ("회사는 2026년 상반기 품목허가 신청을 추진하고 있다.", "filing", "2026-01-01", "2026-06-30"),
]

HAND_MADE_LOOK_ALIKES = [
    "The company reported topline results in March 2025.",
    "Revenue for the quarter ended September 30, 2025 was $10 million.",
    "Results are expected in the coming months.",
    "Net sales for the nine months ended September 30, 2025 rose 12%.",
    "The company expects full-year revenue guidance of $1.2 billion for 2026.",
    "Sales of the drug are expected to reach $1 billion in 2026.",
    "The company expects its cash to fund operations into 2027.",
    "The drug was approved in January 2025.",
    "Die Zulassung in der EU wurde bereits 2024 erteilt.",
    "Les ventes devraient atteindre 500 millions d'euros en 2026.",
    "2026년 매출 1000억원을 목표로 하고 있다.",
    "公司预计2026年营收将达到10亿元。",
    "La società ha annunciato i risultati del terzo trimestre 2025.",
    "Der Umsatz soll 2026 auf 2 Milliarden Euro steigen.",
    "El laboratorio obtuvo la aprobación en marzo de 2025.",
    "A empresa divulgará os resultados financeiros do segundo trimestre em agosto.",
    "Results are expected in the coming weeks.",
    "De omzet over het derde kwartaal van 2025 steeg met 10%.",
    "2026年3月期の売上高は前年比10%増を見込む。",
]


@pytest.mark.parametrize(("sentence", "kind", "start", "end"), HAND_MADE_CATALYSTS)
def test_given_a_hand_made_forward_sentence_then_its_kind_and_window(
    extractor: Extractor, sentence: str, kind: str, start: str, end: str
) -> None:
    found = extractor.extract("", sentence, published=PAGE_DATE)
    assert found, sentence
    first = found[0]
    assert (first.kind, str(first.window_start), str(first.window_end)) == (kind, start, end)


@pytest.mark.parametrize("sentence", HAND_MADE_LOOK_ALIKES)
def test_given_a_hand_made_look_alike_then_no_catalyst(extractor: Extractor, sentence: str) -> None:
    assert extractor.extract("", sentence, published=PAGE_DATE) == []


def test_given_two_catalysts_in_one_hand_made_sentence_then_both_in_order(extractor: Extractor) -> None:
    sentence = "Data from both trials are expected in 2026, with a potential filing in 2027."
    found = extractor.extract("", sentence, published=PAGE_DATE)
    assert [(c.kind, c.window_start) for c in found] == [
        ("readout", date(2026, 1, 1)),
        ("filing", date(2027, 1, 1)),
    ]


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        # a month without a year: its next occurrence from the page date
        ("in September", "2025-09-01", "2025-09-30"),
        ("for January", "2026-01-01", "2026-01-31"),
        # relative years and periods in each language
        ("nächsten Jahr", "2026-01-01", "2026-12-31"),
        ("el próximo año", "2026-01-01", "2026-12-31"),
        ("l'année prochaine", "2026-01-01", "2026-12-31"),
        ("no próximo ano", "2026-01-01", "2026-12-31"),
        ("volgend jaar", "2026-01-01", "2026-12-31"),
        ("l'anno prossimo", "2026-01-01", "2026-12-31"),
        ("明年", "2026-01-01", "2026-12-31"),
        ("来年", "2026-01-01", "2026-12-31"),
        ("내년", "2026-01-01", "2026-12-31"),
        ("le trimestre prochain", "2025-07-01", "2025-09-30"),
        ("im nächsten Quartal", "2025-07-01", "2025-09-30"),
        ("el próximo mes", "2025-07-01", "2025-07-31"),
        ("下个季度", "2025-07-01", "2025-09-30"),
        ("다음 달", "2025-07-01", "2025-07-31"),
        ("by the end of the month", "2025-06-01", "2025-06-30"),
        # quarter and half forms
        ("3Q26", "2026-07-01", "2026-09-30"),
        ("3T26", "2026-07-01", "2026-09-30"),
        ("T3 2026", "2026-07-01", "2026-09-30"),
        ("3e trimestre 2026", "2026-07-01", "2026-09-30"),
        ("drittes Quartal 2026", "2026-07-01", "2026-09-30"),
        ("3. Quartal 2026", "2026-07-01", "2026-09-30"),
        ("tercer trimestre de 2026", "2026-07-01", "2026-09-30"),
        ("3er trimestre de 2026", "2026-07-01", "2026-09-30"),
        ("terzo trimestre 2026", "2026-07-01", "2026-09-30"),
        ("III trimestre 2026", "2026-07-01", "2026-09-30"),
        ("3º trimestre de 2026", "2026-07-01", "2026-09-30"),
        ("derde kwartaal van 2026", "2026-07-01", "2026-09-30"),
        ("2026年第三季度", "2026-07-01", "2026-09-30"),
        ("2026年Q3", "2026-07-01", "2026-09-30"),
        ("2026年第3四半期", "2026-07-01", "2026-09-30"),
        ("2026년 3분기", "2026-07-01", "2026-09-30"),
        ("2S26", "2026-07-01", "2026-12-31"),
        ("2do semestre de 2026", "2026-07-01", "2026-12-31"),
        ("zweiten Hälfte 2026", "2026-07-01", "2026-12-31"),
        ("seconde moitié de 2026", "2026-07-01", "2026-12-31"),
        ("the back half of 2026", "2026-07-01", "2026-12-31"),
        ("2026年下半年", "2026-07-01", "2026-12-31"),
        ("2026年後半", "2026-07-01", "2026-12-31"),
        ("2026年H2", "2026-07-01", "2026-12-31"),
        ("올 하반기", "2025-07-01", "2025-12-31"),
        # year parts
        ("a principios del próximo año", "2026-01-01", "2026-04-30"),
        ("no início do próximo ano", "2026-01-01", "2026-04-30"),
        ("a mediados de 2026", "2026-04-01", "2026-09-30"),
        ("来年半ば", "2026-04-01", "2026-09-30"),
        ("내년 초반", "2026-01-01", "2026-04-30"),
        ("2026年度中", "2026-04-01", "2027-03-31"),
        ("2026年春", "2026-03-01", "2026-05-31"),
        ("今年晚些时候", "2025-06-16", "2025-12-31"),
        ("eyeing a 2027 launch", "2027-01-01", "2027-12-31"),
        ("2026: EU launch", "2026-01-01", "2026-12-31"),
    ],
)
def test_given_a_hand_made_date_form_then_its_window(text: str, start: str, end: str) -> None:
    mentions = find_mentions(text, Reference(PAGE_DATE))
    assert len(mentions) == 1, mentions
    window = mentions[0].window
    assert window is not None
    assert (str(window.start), str(window.end)) == (start, end)


@pytest.mark.parametrize("text", ["MRI at 3T scanners", "I think so", "in the coming months", "올렸다"])
def test_given_a_hand_made_look_alike_date_then_no_window(text: str) -> None:
    assert find_mentions(text, Reference(PAGE_DATE)) == []


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://news.example/story-2025-10-28", date(2025, 10, 28)),
        ("https://news.example/20210525/story.html", date(2021, 5, 25)),
        ("https://news.example/view?nid=2025090411090868239", date(2025, 9, 4)),
        ("https://news.example/article/20251399", None),
        ("https://news.example/?p=9917", None),
    ],
)
def test_given_a_hand_made_url_then_the_page_date_it_carries(url: str, expected: date | None) -> None:
    assert reference_date(None, url) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a dated noun phrase on a page with no date states a plan
        ("Phase 3 topline data 2H 2026", ("readout", date(2026, 7, 1))),
        ("EU filing in 2026 for the drug", ("filing", date(2026, 1, 1))),
        # a recounted event says so with a verb
        ("The drug was approved in 2019.", None),
        ("Die Ergebnisse wurden 2019 vorgestellt.", None),
    ],
)
def test_given_a_hand_made_sentence_on_an_undated_page_then_a_plan_only_when_no_verb_recounts(
    extractor: Extractor, sentence: str, expected: tuple[str, date] | None
) -> None:
    found = extractor.extract("", sentence, published=None)
    assert ((found[0].kind, found[0].window_start) if found else None) == expected


def test_given_a_hand_made_month_on_an_undated_page_then_the_one_year_the_sentence_names(
    extractor: Extractor,
) -> None:
    sentence = "Il lancio è previsto a settembre, con la piena disponibilità entro la fine del 2018."
    found = extractor.extract("", sentence, published=None)
    assert (found[0].kind, found[0].window_start, found[0].window_end) == (
        "launch",
        date(2018, 9, 1),
        date(2018, 9, 30),
    )
