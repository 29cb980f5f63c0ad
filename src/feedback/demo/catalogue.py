"""Demo organisations and inspections for 2011–12, as HMI Probation's annual report names them.

Source: HMI Probation, *Annual Report 2011–12* (seed/hmi-probation-annual-report-2011-12.txt):
Appendix D (reports published in 2011–12), the headline-score tables at the ends of chapters 2
(OMI 2) and 3 (CCI), ¶3.1 (CCI regions), ¶3.20 (reinspection), ¶2.29 and the introduction (Wales, July 2012).
Plain data: standard library only, so a loader can insert it into any store.

Dates
-----
* ``published`` is the first day of the month Appendix D gives. Appendix D lists 9 OMI 2,
  51 CCI and 7 joint thematic reports: the 67 reports the report says were published.
* **Fieldwork dates are not in the report; every one is estimated.** For a published report
  the fieldwork is taken to end on the Friday 11 weeks (or just over) before the publication
  month, and to last one week (Monday to Friday), two weeks for London Probation Trust
  (twice the largest case sample, ¶2.3) and four weeks for a thematic. One exception: West
  Berkshire YOT (published July 2011) is absent from the chapter 3 table of 2011–12
  inspections, so its fieldwork is put in the last full week of 2010–11 instead.
* The chapter 2 and 3 tables also name inspections carried out in 2011–12 whose reports came
  out after 31 March 2012 (4 OMI 2, 22 CCI) and ¶3.20 names the North Lincolnshire
  reinspection. They are included with ``published=None``; their fieldwork is placed in the
  order of those tables (which, where it can be checked, follows publication order), in the weeks after the last
  inspection whose date can be derived and before 31 March 2012. The report does not date the
  North Lincolnshire reinspection at all: it is put at the middle of the year.
  With them, fieldwork in 2011–12 counts 11 OMI 2 inspections (¶2.2) and 53 CCIs plus one
  reinspection, by region South-East 5, London 30, East of England 10, East Midlands 8 (¶3.1).

Not modelled
------------
* POMI: the inspectorate joined HMI Prisons on 21 prison inspections (¶2.19) but names no
  prison (HM Prison Cookham Wood appears only as the credit for the cover artwork), so no
  prison and no POMI inspection is declared here.
* The 2012–13 OMI 2 inspections of the Yorkshire & Humberside Trusts (¶2.29) are not declared;
  only Wales is, so that the demo has an organisation in Wales.
* Cardiff YOT and Swansea YOT and their 2012–13 Short Quality Screenings are NOT in the
  report: they are added so the demo has Welsh youth services, with illustrative dates.
"""

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    name_cy: str


@dataclass(frozen=True)
class Organisation:
    code: str
    name: str
    name_cy: str | None
    kind: str  # "probation_trust" | "yot" | "prison"
    region: str  # Region.code
    in_wales: bool
    language: str  # "en" | "cy" | "both"


@dataclass(frozen=True)
class Inspection:
    code: str
    organisation: str | None  # Organisation.code; None for a joint thematic
    programme: str  # "OMI2" | "CCI" | "POMI" | "THEMATIC" | "FJI" | "SQS"
    fieldwork_start: date
    fieldwork_end: date
    published: date | None  # first day of the publication month; None if not in the report
    title: str | None  # thematic title as Appendix D writes it, else None
    title_cy: str | None = None  # the thematic title in Welsh


REGIONS: tuple[Region, ...] = (
    Region("north_east", "North East", "Gogledd-ddwyrain Lloegr"),
    Region("north_west", "North West", "Gogledd-orllewin Lloegr"),
    Region("yorkshire_humber", "Yorkshire and the Humber", "Swydd Efrog a'r Humber"),
    Region("east_midlands", "East Midlands", "Dwyrain Canolbarth Lloegr"),
    Region("west_midlands", "West Midlands", "Gorllewin Canolbarth Lloegr"),
    Region("east_of_england", "East of England", "Dwyrain Lloegr"),
    Region("london", "London", "Llundain"),
    Region("south_east", "South East", "De-ddwyrain Lloegr"),
    Region("south_west", "South West", "De-orllewin Lloegr"),
    Region("wales", "Wales", "Cymru"),
)


def _slug(name: str) -> str:
    words = name.lower().replace(",", " ").replace("-", " ").split()
    return "-".join(word for word in words if word not in ("&", "and"))


def _trust(name: str, region: str) -> Organisation:
    return Organisation(f"trust-{_slug(name)}", f"{name} Probation Trust", None,
                        "probation_trust", region, False, "en")


def _yot(name: str, region: str) -> Organisation:
    return Organisation(f"yot-{_slug(name)}", f"{name} YOT", None, "yot", region, False, "en")


_NE, _NW, _YH, _EM, _WM, _EE, _LDN, _SE, _SW = (
    "north_east", "north_west", "yorkshire_humber", "east_midlands", "west_midlands",
    "east_of_england", "london", "south_east", "south_west",
)

ORGANISATIONS: tuple[Organisation, ...] = (
    # Probation Trusts (OMI 2)
    _trust("Dorset", _SW),
    _trust("Devon & Cornwall", _SW),
    _trust("Cumbria", _NW),
    _trust("Cheshire", _NW),
    _trust("Greater Manchester", _NW),
    _trust("Lancashire", _NW),
    _trust("Merseyside", _NW),
    _trust("London", _LDN),
    _trust("Durham Tees Valley", _NE),
    _trust("Northumbria", _NE),
    _trust("Warwickshire", _WM),
    _trust("Staffordshire and West Midlands", _WM),
    _trust("West Mercia", _WM),
    Organisation("trust-wales", "Wales Probation Trust", "Ymddiriedolaeth Prawf Cymru",
                 "probation_trust", "wales", True, "both"),
    # YOTs (CCI), West Midlands, reports published April-May 2011
    _yot("Shropshire, Telford & Wrekin", _WM),
    _yot("Warwickshire", _WM),
    _yot("Worcestershire & Herefordshire", _WM),
    _yot("Birmingham", _WM),
    _yot("Solihull", _WM),
    _yot("Wolverhampton", _WM),
    # Reinspections
    _yot("Hartlepool", _NE),
    _yot("Bournemouth & Poole", _SW),
    _yot("North Lincolnshire", _YH),
    # South East
    _yot("Medway", _SE),
    _yot("Milton Keynes", _SE),
    _yot("Slough", _SE),
    _yot("Oxfordshire", _SE),
    _yot("Windsor & Maidenhead", _SE),
    _yot("Buckinghamshire", _SE),
    _yot("East Sussex", _SE),
    _yot("West Sussex", _SE),
    _yot("Brighton & Hove", _SE),
    _yot("Reading", _SE),
    _yot("Surrey", _SE),
    _yot("West Berkshire", _SE),
    _yot("Bracknell Forest", _SE),
    _yot("Kent", _SE),
    _yot("Wokingham", _SE),
    _yot("Isle of Wight", _SE),
    _yot("Wessex", _SE),  # Hampshire-based, hence South East
    # London
    _yot("Havering", _LDN),
    _yot("Merton", _LDN),
    _yot("Islington", _LDN),
    _yot("Enfield", _LDN),
    _yot("Hounslow", _LDN),
    _yot("Tower Hamlets & City of London", _LDN),
    _yot("Barking & Dagenham", _LDN),
    _yot("Hillingdon", _LDN),
    _yot("Brent", _LDN),
    _yot("Kingston-upon-Thames", _LDN),
    _yot("Harrow", _LDN),
    _yot("Barnet", _LDN),
    _yot("Bexley", _LDN),
    _yot("Ealing", _LDN),
    _yot("Greenwich", _LDN),
    _yot("Hackney", _LDN),
    _yot("Redbridge", _LDN),
    _yot("Richmond-upon-Thames", _LDN),
    _yot("Newham", _LDN),
    _yot("Bromley", _LDN),
    _yot("Camden", _LDN),
    _yot("Lambeth", _LDN),
    _yot("Lewisham", _LDN),
    _yot("Wandsworth", _LDN),
    _yot("Croydon", _LDN),
    _yot("Southwark", _LDN),
    _yot("Haringey", _LDN),
    _yot("West London", _LDN),  # presumably the 3 boroughs otherwise missing from the 30
    _yot("Waltham Forest", _LDN),
    _yot("Sutton", _LDN),
    # East of England
    _yot("Thurrock", _EE),
    _yot("Hertfordshire", _EE),
    _yot("Cambridgeshire", _EE),
    _yot("Suffolk", _EE),
    _yot("Peterborough", _EE),
    _yot("Bedfordshire", _EE),
    _yot("Luton", _EE),
    _yot("Norfolk", _EE),
    _yot("Essex", _EE),
    _yot("Southend", _EE),
    # East Midlands
    _yot("Leicestershire", _EM),
    _yot("Northamptonshire", _EM),
    _yot("Derbyshire", _EM),
    _yot("Nottingham City", _EM),
    _yot("Leicester City", _EM),
    _yot("Lincolnshire", _EM),
    _yot("Derby City", _EM),
    _yot("Nottinghamshire", _EM),
    # Not named in the 2011–12 report; added so the demo has Welsh youth services.
    Organisation("yot-cardiff", "Cardiff YOT", "Tîm Troseddau Ieuenctid Caerdydd",
                 "yot", "wales", True, "both"),
    Organisation("yot-swansea", "Swansea YOT", "Tîm Troseddau Ieuenctid Abertawe",
                 "yot", "wales", True, "both"),
)


def organisation_by_code(code: str) -> Organisation:
    """Return the declared organisation with this code; KeyError if there is none."""
    for organisation in ORGANISATIONS:
        if organisation.code == code:
            return organisation
    raise KeyError(code)


def _inspection(programme: str, org: str, start: date, end: date,
                published: date | None, reinspection: bool = False) -> Inspection:
    code = f"{programme.lower()}-{start.year}-{org.split('-', 1)[1]}"
    return Inspection(code + ("-reinspection" if reinspection else ""),
                      org, programme, start, end, published, None)


def _estimated_end(published: date) -> date:
    """The Friday 11 weeks (or just over) before the publication month."""
    day = published - timedelta(weeks=11)
    return day - timedelta(days=(day.weekday() - 4) % 7)


def _fieldwork(month: str, weeks: int) -> tuple[date, date, date]:
    """(start, end, published) for a report published in ``month`` ("YYYY-MM")."""
    published = date(int(month[:4]), int(month[5:]), 1)
    end = _estimated_end(published)
    return end - timedelta(days=7 * weeks - 3), end, published


def _report(programme: str, org: str, month: str, weeks: int = 1,
            reinspection: bool = False) -> Inspection:
    """A report published in ``month``, fieldwork estimated from it."""
    return _inspection(programme, org, *_fieldwork(month, weeks), reinspection)


def _unpublished(programme: str, org: str, monday: date, days: int = 5,
                 reinspection: bool = False) -> Inspection:
    """No publication date in the report; fieldwork placed as the module docstring says."""
    return _inspection(programme, org, monday, monday + timedelta(days=days - 1), None,
                       reinspection)


def _cci(org: str, month: str) -> Inspection:
    return _report("CCI", f"yot-{org}", month)


def _thematic(slug: str, title: str, month: str, title_cy: str) -> Inspection:
    start, end, published = _fieldwork(month, weeks=4)
    return Inspection(f"thematic-{start.year}-{slug}", None, "THEMATIC", start, end, published,
                      title, title_cy)


INSPECTIONS: tuple[Inspection, ...] = (
    # --- OMI 2 reports in Appendix D ---
    _report("OMI2", "trust-dorset", "2011-05"),
    _report("OMI2", "trust-devon-cornwall", "2011-05"),
    _report("OMI2", "trust-cumbria", "2011-07"),
    _report("OMI2", "trust-cheshire", "2011-08"),
    _report("OMI2", "trust-greater-manchester", "2011-09"),
    _report("OMI2", "trust-lancashire", "2011-10"),
    _report("OMI2", "trust-merseyside", "2011-10"),
    _report("OMI2", "trust-london", "2012-02", weeks=2),
    _report("OMI2", "trust-durham-tees-valley", "2012-02"),
    # OMI 2 inspected in 2011–12 (chapter 2 table), report published after March 2012.
    _unpublished("OMI2", "trust-northumbria", date(2011, 12, 5)),
    _unpublished("OMI2", "trust-warwickshire", date(2012, 1, 16)),
    _unpublished("OMI2", "trust-staffordshire-west-midlands", date(2012, 2, 13)),
    _unpublished("OMI2", "trust-west-mercia", date(2012, 3, 12)),
    # Planned 2012–13: Wales, over three weeks, July 2012 (¶2.29).
    _unpublished("OMI2", "trust-wales", date(2012, 6, 25), days=19),
    # --- CCI reports in Appendix D ---
    _cci("shropshire-telford-wrekin", "2011-04"),
    _cci("warwickshire", "2011-04"),
    _cci("worcestershire-herefordshire", "2011-04"),
    _cci("birmingham", "2011-05"),
    _report("CCI", "yot-hartlepool", "2011-05", reinspection=True),
    _cci("solihull", "2011-05"),
    _cci("wolverhampton", "2011-05"),
    _report("CCI", "yot-bournemouth-poole", "2011-06", reinspection=True),
    _cci("medway", "2011-06"),
    _cci("milton-keynes", "2011-06"),
    _cci("slough", "2011-06"),
    _cci("oxfordshire", "2011-06"),
    _cci("windsor-maidenhead", "2011-06"),
    _cci("buckinghamshire", "2011-06"),
    _cci("east-sussex", "2011-06"),
    _cci("west-sussex", "2011-06"),
    _cci("brighton-hove", "2011-06"),
    _cci("reading", "2011-06"),
    _cci("surrey", "2011-06"),
    # West Berkshire: not among the 2011–12 inspections of chapter 3, so fieldwork in 2010–11.
    _inspection("CCI", "yot-west-berkshire", date(2011, 3, 21), date(2011, 3, 25),
                date(2011, 7, 1)),
    _cci("bracknell-forest", "2011-07"),
    _cci("kent", "2011-08"),
    _cci("wokingham", "2011-08"),
    _cci("isle-of-wight", "2011-08"),
    _cci("wessex", "2011-08"),
    _cci("havering", "2011-08"),
    _cci("merton", "2011-09"),
    _cci("islington", "2011-09"),
    _cci("enfield", "2011-09"),
    _cci("hounslow", "2011-09"),
    _cci("tower-hamlets-city-of-london", "2011-09"),
    _cci("barking-dagenham", "2011-10"),
    _cci("hillingdon", "2011-11"),
    _cci("brent", "2011-12"),
    _cci("kingston-upon-thames", "2011-12"),
    _cci("harrow", "2011-12"),
    _cci("barnet", "2012-01"),
    _cci("bexley", "2012-01"),
    _cci("ealing", "2012-01"),
    _cci("greenwich", "2012-01"),
    _cci("hackney", "2012-02"),
    _cci("redbridge", "2012-02"),
    _cci("richmond-upon-thames", "2012-02"),
    _cci("newham", "2012-02"),
    _cci("bromley", "2012-03"),
    _cci("camden", "2012-03"),
    _cci("lambeth", "2012-03"),
    _cci("lewisham", "2012-03"),
    _cci("wandsworth", "2012-03"),
    _cci("croydon", "2012-03"),
    _cci("southwark", "2012-03"),
    # CCI inspected in 2011–12 (chapter 3 table), report published after March 2012:
    # two a week, in table order, from January 2012.
    _unpublished("CCI", "yot-haringey", date(2012, 1, 9)),
    _unpublished("CCI", "yot-west-london", date(2012, 1, 9)),
    _unpublished("CCI", "yot-waltham-forest", date(2012, 1, 16)),
    _unpublished("CCI", "yot-sutton", date(2012, 1, 16)),
    _unpublished("CCI", "yot-thurrock", date(2012, 1, 23)),
    _unpublished("CCI", "yot-hertfordshire", date(2012, 1, 23)),
    _unpublished("CCI", "yot-cambridgeshire", date(2012, 1, 30)),
    _unpublished("CCI", "yot-suffolk", date(2012, 1, 30)),
    _unpublished("CCI", "yot-peterborough", date(2012, 2, 6)),
    _unpublished("CCI", "yot-bedfordshire", date(2012, 2, 6)),
    _unpublished("CCI", "yot-luton", date(2012, 2, 13)),
    _unpublished("CCI", "yot-norfolk", date(2012, 2, 13)),
    _unpublished("CCI", "yot-essex", date(2012, 2, 20)),
    _unpublished("CCI", "yot-southend", date(2012, 2, 20)),
    _unpublished("CCI", "yot-leicestershire", date(2012, 2, 27)),
    _unpublished("CCI", "yot-northamptonshire", date(2012, 2, 27)),
    _unpublished("CCI", "yot-derbyshire", date(2012, 3, 5)),
    _unpublished("CCI", "yot-nottingham-city", date(2012, 3, 5)),
    _unpublished("CCI", "yot-leicester-city", date(2012, 3, 12)),
    _unpublished("CCI", "yot-lincolnshire", date(2012, 3, 12)),
    _unpublished("CCI", "yot-derby-city", date(2012, 3, 19)),
    _unpublished("CCI", "yot-nottinghamshire", date(2012, 3, 19)),
    # The one reinspection carried out in 2011–12 (¶3.20); undated in the report.
    _unpublished("CCI", "yot-north-lincolnshire", date(2011, 9, 26), reinspection=True),
    # --- Joint thematic reports in Appendix D ---
    _thematic("to-get-the-best-results",
              "To get the best results: A joint inspection of Offending Behaviour, Health and "
              "Education, Training & Employment Interventions in Youth Offending work in "
              "England and Wales", "2011-06",
              "Er mwyn cael y canlyniadau gorau: Arolygiad ar y cyd o ymyriadau ar ymddygiad troseddu, "
              "iechyd, ac addysg, hyfforddiant a chyflogaeth yng ngwaith troseddau ieuenctid yng "
              "Nghymru a Lloegr"),
    _thematic("reactions",
              "A joint inspection: ReActions – A third review of healthcare in the community "
              "for young people who offend", "2011-07",
              "Arolygiad ar y cyd: ReActions – Trydydd adolygiad o ofal iechyd yn y gymuned i bobl "
              "ifanc sy'n troseddu"),
    _thematic("lscbs-in-wales",
              "Joint Inspection of Local Safeguarding Children Boards in Wales", "2011-10",
              "Arolygiad ar y cyd o Fyrddau Lleol Diogelu Plant yng Nghymru"),
    _thematic("equal-but-different",
              "Equal but different? An inspection of the use of alternatives to custody for "
              "women offenders", "2011-10",
              "Cyfartal ond gwahanol? Arolygiad o'r defnydd o ddewisiadau eraill yn lle carchar i "
              "fenywod sy'n troseddu"),
    _thematic("putting-the-pieces-together",
              "Putting the pieces together - An inspection of Multi-Agency Public Protection "
              "Arrangements", "2011-11",
              "Rhoi'r darnau at ei gilydd – Arolygiad o'r Trefniadau Amlasiantaethol Diogelu'r "
              "Cyhoedd"),
    _thematic("pembrokeshire",
              "Joint inspectorates' review of inter-agency arrangements and practice to "
              "safeguard and protect children in Pembrokeshire", "2011-11",
              "Adolygiad gan yr arolygiaethau ar y cyd o drefniadau ac arferion rhyngasiantaethol i "
              "ddiogelu ac amddiffyn plant yn Sir Benfro"),
    _thematic("whos-looking-out-for-the-children",
              "Who's looking out for the children? A joint inspection of Appropriate Adult "
              "provision and children in detention after charge", "2011-12",
              "Pwy sy'n gofalu am y plant? Arolygiad ar y cyd o'r ddarpariaeth Oedolion Priodol a "
              "phlant yn y ddalfa ar ôl eu cyhuddo"),
    # --- 2012–13: Short Quality Screening, from September 2012 (¶3.22, ¶6.4) ---
    # Not named in the 2011–12 report; added so the demo has Welsh youth services.
    # Dates are illustrative only: a three-day visit in the autumn of 2012.
    _unpublished("SQS", "yot-cardiff", date(2012, 10, 9), days=3),
    _unpublished("SQS", "yot-swansea", date(2012, 11, 13), days=3),
)
