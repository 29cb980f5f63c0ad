"""The nine questionnaires of the inspectorate's annual report, declared once.

Forms, validation, the check-answers page, results and exports are all derived from these
declarations. Changing wording means raising `version`: stored answers keep the version they
were given against. Paragraph numbers (¶) point into the 2011–12 annual report.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp

from . import about_you
from .model import Condition, Option, Question, QuestionnaireDefinition
from .scales import (
    DEFINITELY_REASONABLE,
    DEFINITELY_SOME,
    DEFINITELY_SOME_EXTENT,
    FREE,
    FULLY_MAINLY,
    YES_NO_AM,
    YES_NO_ARE_THEY,
    YES_NO_DID,
    YES_NO_DID_DK,
    YES_NO_HAVE,
    YES_NO_IS,
    YES_NO_WAS_I,
    YES_NO_WERE_THEY,
    multiple,
)

YOUTH_PROGRAMMES = ("CCI", "FJI", "SQS")
ADULT_PROGRAMMES = ("OMI2", "ADULT")


def comments(text, hint=None) -> Question:
    return Question("comments", text, FREE, hint=hint, optional=True)


POST_INSPECTION_EVALUATION = QuestionnaireDefinition(
    code="post-inspection-evaluation",
    version=1,
    title=_l("Post-inspection evaluation"),
    short_title=_l("Post-inspection evaluation"),
    intro=_l(
        "Tell us how the inspection of your organisation went. We use your answers to "
        "improve how we plan and carry out inspections."
    ),
    audience="organisation",
    programmes=ADULT_PROGRAMMES + YOUTH_PROGRAMMES + ("POMI",),
    invitation_mode="single",
    channels=("web",),
    minutes=5,
    source="¶1.18–1.19",
    questions=(
        Question(
            "planning_clarity",
            _l("How clear were you about what you needed to do to plan for the inspection?"),
            FULLY_MAINLY,
            error=_l("Select how clear you were about what you needed to do to plan for the inspection"),
        ),
        Question(
            "pre_inspection_planning",
            _l("Overall, how satisfied were you with the pre-inspection planning arrangements with HM Inspectorate of Probation?"),
            FULLY_MAINLY,
            error=_l("Select how satisfied you were with the pre-inspection planning arrangements"),
        ),
        Question(
            "team_conduct",
            _l("How satisfied were you with the conduct of the inspection team?"),
            FULLY_MAINLY,
            error=_l("Select how satisfied you were with the conduct of the inspection team"),
        ),
        Question(
            "requests_reasonable",
            _l("How satisfied were you that requests made by inspection staff during the inspection were reasonable?"),
            FULLY_MAINLY,
            error=_l("Select how satisfied you were that requests made by inspection staff were reasonable"),
        ),
        Question(
            "overall_management",
            _l("Overall, how satisfied were you with the management of the inspection?"),
            FULLY_MAINLY,
            error=_l("Select how satisfied you were with the management of the inspection"),
        ),
        comments(_l("Is there anything else you would like to tell us about the inspection?")),
    ),
    published={
        "period": "2011-12",
        "n": 48,
        "positive": {
            "planning_clarity": 96,
            "pre_inspection_planning": 98,
            "team_conduct": 91,
            "requests_reasonable": 98,
            "overall_management": 94,
        },
    },
)

OFFENDER_MANAGER = QuestionnaireDefinition(
    code="offender-manager",
    version=1,
    title=_l("Questionnaire for offender managers interviewed during the inspection"),
    short_title=_l("Offender managers"),
    intro=_l(
        "You were interviewed about a case during our inspection. Tell us what the interview "
        "was like and what you will take from it. Your answers are anonymous."
    ),
    audience="staff",
    programmes=ADULT_PROGRAMMES,
    invitation_mode="shared",
    channels=("web", "paper"),
    about_you=about_you.ADULT,
    minutes=5,
    source="¶2.22–2.26",
    questions=(
        Question(
            "discussion_manner",
            _l("Were discussions with the inspection assessor professional, impartial and courteous?"),
            DEFINITELY_SOME_EXTENT,
            error=_l("Select whether discussions with the assessor were professional, impartial and courteous"),
        ),
        Question(
            "diversity_attention",
            _l("Did the inspection pay sufficient attention to race equality and wider diversity issues?"),
            DEFINITELY_REASONABLE,
            error=_l("Select how much attention the inspection paid to race equality and diversity"),
        ),
        Question(
            "good_practice_feedback",
            _l("Did the assessor give you feedback on good practice?"),
            DEFINITELY_SOME,
            error=_l("Select whether the assessor gave you feedback on good practice"),
        ),
        Question(
            "praised_work",
            _l("What work were you praised for?"),
            FREE,
            optional=True,
        ),
        Question(
            "improvement_ideas",
            _l("Did the assessor give you ideas on how to improve your practice?"),
            DEFINITELY_SOME,
            error=_l("Select whether the assessor gave you ideas on how to improve your practice"),
        ),
        Question(
            "do_differently",
            _l("What will you do differently following the inspection?"),
            FREE,
            optional=True,
        ),
        Question(
            "obstacles",
            _l("Is there anything that would get in the way of changing your practice or continuing with best practice?"),
            YES_NO_HAVE,
            error=_l("Select yes if anything would get in the way of changing your practice"),
        ),
        Question(
            "obstacles_detail",
            _l("What would get in the way?"),
            FREE,
            optional=True,
            asked_if=Condition("obstacles", frozenset({"yes"})),
        ),
    ),
    published={
        "period": "2011-12",
        "n": 749,
        "positive": {"diversity_attention": 89, "good_practice_feedback": 84,
                     "improvement_ideas": 68, "obstacles": 34},
        "beside": {"diversity_attention": 10, "good_practice_feedback": 14,
                   "improvement_ideas": 30},
    },
)

CASE_MANAGER = QuestionnaireDefinition(
    code="case-manager",
    version=1,
    title=_l("Questionnaire for YOT case managers interviewed during the inspection"),
    short_title=_l("YOT case managers"),
    intro=_l(
        "You were interviewed about a case during our inspection. Tell us what the interview "
        "was like. Your answers are anonymous."
    ),
    audience="staff",
    programmes=YOUTH_PROGRAMMES,
    invitation_mode="shared",
    channels=("web", "paper"),
    about_you=about_you.ADULT,
    minutes=3,
    source="¶3.14–3.15",
    questions=(
        Question(
            "discussion_manner",
            _l("Were discussions with the inspection assessor professional, impartial and courteous?"),
            YES_NO_WERE_THEY,
            error=_l("Select whether discussions with the assessor were professional, impartial and courteous"),
        ),
        Question(
            "good_practice_feedback",
            _l("Did the assessor give you feedback on good practice?"),
            YES_NO_DID,
            error=_l("Select whether the assessor gave you feedback on good practice"),
        ),
        Question(
            "improvement_advice",
            _l("Were you advised on how to improve your practice?"),
            YES_NO_DID,
            error=_l("Select whether you were advised on how to improve your practice"),
        ),
        Question(
            "helpful",
            _l("What did you find helpful for your future practice?"),
            FREE,
            optional=True,
        ),
    ),
    published={
        "period": "2011-12",
        "n": 1008,
        "positive": {"discussion_manner": 96, "good_practice_feedback": 98, "improvement_advice": 97},
    },
)

HELP_RECEIVED = multiple(
    "help_received",
    (
        Option("accommodation", _l("Accommodation")),
        Option("ete", _l("Education, training or employment")),
        Option("relationships", _l("Relationships")),
        Option("attitudes", _l("Attitudes to offending")),
        Option("drugs", _l("Drug use")),
        Option("alcohol", _l("Alcohol use")),
        Option("money", _l("Money")),
        Option("health", _l("Health")),
        Option("other", _l("Something else")),
    ),
)

ADULT_SERVICE_USER = QuestionnaireDefinition(
    code="adult-service-user",
    version=1,
    title=_l("Tell us about your time on probation"),
    short_title=_l("People on probation"),
    intro=_l(
        "We are inspecting the probation service here. Tell us what it is like for you. "
        "You do not have to give your name, and your offender manager will not see your answers."
    ),
    audience="service_user",
    programmes=ADULT_PROGRAMMES,
    invitation_mode=None,
    channels=("kiosk", "paper", "web"),
    about_you=about_you.ADULT,
    minutes=5,
    source="¶2.11–2.12",
    questions=(
        Question(
            "working_relationship",
            _l("Do you have a good working relationship with your offender manager?"),
            YES_NO_HAVE,
            error=_l("Select yes if you have a good working relationship with your offender manager"),
        ),
        Question(
            "plan_involvement",
            _l("When your sentence plan was drawn up, did you feel involved?"),
            YES_NO_DID,
            error=_l("Select yes if you felt involved when your sentence plan was drawn up"),
        ),
        Question(
            "progress_discussed",
            _l("Have you discussed your progress with your offender manager?"),
            YES_NO_AM,
            error=_l("Select yes if you have discussed your progress with your offender manager"),
        ),
        Question(
            "help_received",
            _l("Which problems have you been helped with?"),
            HELP_RECEIVED,
            hint=_l("Select all that apply."),
            optional=True,
        ),
        Question(
            "think_about_offending",
            _l("Has the work of the probation service made you think about your offending and how you might avoid it?"),
            YES_NO_IS,
            error=_l("Select yes if the work of the probation service has made you think about your offending"),
        ),
        Question(
            "victim_awareness",
            _l("Have you become more aware of the victims of crime?"),
            YES_NO_AM,
            error=_l("Select yes if you have become more aware of the victims of crime"),
        ),
        Question(
            "less_likely",
            _l("Do you feel less likely to offend in the future?"),
            YES_NO_AM,
            error=_l("Select yes if you feel less likely to offend in the future"),
        ),
        comments(_l("Is there anything else you would like to tell us?")),
    ),
    comments_restricted=True,
    published={
        "period": "2011-12",
        "positive": {"plan_involvement": 86, "progress_discussed": 86, "think_about_offending": 96,
                     "victim_awareness": 94, "less_likely": 86},
        "mentions": {"accommodation": 25, "ete": 19, "relationships": 11, "attitudes": 6,
                     "drugs": 5, "alcohol": 5},
    },
)

YOUNG_PEOPLE = QuestionnaireDefinition(
    code="young-people",
    version=1,
    title=_l("Tell us what you think of your YOT"),
    short_title=_l("Young people"),
    intro=_l(
        "We check how well YOTs help young people. Tell us what you think. "
        "You do not have to give your name. Your YOT worker will not see your answers."
    ),
    audience="young_person",
    programmes=YOUTH_PROGRAMMES,
    invitation_mode=None,
    channels=("kiosk", "paper", "web"),
    about_you=about_you.CHILD,
    minutes=3,
    plain_words=True,
    comments_restricted=True,
    source="¶3.11",
    questions=(
        Question(
            "less_likely",
            _l("Are you less likely to offend because of your work with the YOT?"),
            YES_NO_AM,
            error=_lp("error for a question about yourself: are you", "Choose yes or no"),
        ),
        Question(
            "life_better",
            _l("Has your life got better because of your work with the YOT?"),
            YES_NO_IS,
            error=_lp("error for a question about one thing: has it", "Choose yes or no"),
        ),
        Question(
            "easy_to_understand",
            _l("Did your YOT worker make it easy to understand how they could help you?"),
            YES_NO_DID,
            error=_lp("error for a question in the past tense: did", "Choose yes or no"),
        ),
        comments(_l("Is there anything else you want to tell us?")),
    ),
    published={
        "period": "2011-12",
        "n": 2189,
        "positive": {"less_likely": 87, "life_better": 62, "easy_to_understand": 96},
    },
)

YOUTH_VICTIMS = QuestionnaireDefinition(
    code="youth-victims",
    version=1,
    title=_l("Tell us about the help you had from the Youth Offending Team"),
    short_title=_l("Victims of youth offending"),
    intro=_l(
        "We are inspecting the Youth Offending Team. Tell us about the service you received "
        "as a victim. You do not have to give your name."
    ),
    audience="victim",
    programmes=YOUTH_PROGRAMMES,
    invitation_mode=None,
    channels=("kiosk", "paper", "web"),
    about_you=about_you.ADULT,
    minutes=3,
    comments_restricted=True,
    source="¶3.12–3.13",
    questions=(
        Question(
            "service_satisfaction",
            _l("Overall, were you satisfied with the service you received from the YOT?"),
            YES_NO_WAS_I,
            error=_l("Select yes if you were satisfied with the service you received"),
        ),
        Question(
            "concerns_heard",
            _l("Were you given an opportunity to talk about your concerns about the offence or the young person who committed it?"),
            YES_NO_DID,
            error=_l("Select yes if you were given an opportunity to talk about your concerns"),
        ),
        Question(
            "safety_attention",
            _l("Did the YOT pay attention to your safety?"),
            YES_NO_DID,
            error=_l("Select yes if the YOT paid attention to your safety"),
        ),
        comments(_l("Is there anything else you would like to tell us?")),
    ),
    published={
        "period": "2011-12",
        "n": 529,
        "positive": {"service_satisfaction": 86, "concerns_heard": 92, "safety_attention": 89},
    },
)

ADULT_VICTIMS = QuestionnaireDefinition(
    code="adult-victims",
    version=1,
    title=_l("Tell us about the contact you had from the probation service"),
    short_title=_l("Victims of adult offending"),
    intro=_l(
        "You were offered contact by the probation service because of an offence against you. "
        "Tell us how well they kept you informed. You do not have to give your name."
    ),
    audience="victim",
    programmes=ADULT_PROGRAMMES,
    invitation_mode="shared",
    channels=("web", "paper"),
    about_you=about_you.ADULT,
    minutes=5,
    comments_restricted=True,
    source="¶2.10, ¶2.13",
    questions=(
        Question(
            "face_to_face_offered",
            _l("Were you offered a face-to-face meeting with the probation service?"),
            YES_NO_DID_DK,
            error=_l("Select yes if you were offered a face-to-face meeting"),
        ),
        Question(
            "custody_length_info",
            _l("Were you told how long the person would be in prison?"),
            YES_NO_DID_DK,
            error=_l("Select yes if you were told how long the person would be in prison"),
        ),
        Question(
            "kept_up_to_date",
            _l("Were you kept up to date about key points in the sentence?"),
            YES_NO_DID_DK,
            error=_l("Select yes if you were kept up to date about key points in the sentence"),
        ),
        Question(
            "release_concerns",
            _l("Were you given the chance to talk about your concerns about the person's release?"),
            YES_NO_DID_DK,
            error=_l("Select yes if you were given the chance to talk about your concerns"),
        ),
        Question(
            "licence_conditions_views",
            _l("Were you offered the opportunity to give your views on proposed licence conditions?"),
            YES_NO_DID_DK,
            error=_l("Select yes if you were offered the opportunity to give your views on licence conditions"),
        ),
        Question(
            "release_conditions_informed",
            _l("Were you told about conditions of release relevant to you?"),
            YES_NO_DID_DK,
            error=_l("Select yes if you were told about conditions of release relevant to you"),
        ),
        Question(
            "events_informed",
            _l("Were you told about relevant events during the sentence?"),
            YES_NO_DID_DK,
            error=_l("Select yes if you were told about relevant events during the sentence"),
        ),
        comments(_l("Is there anything else you would like to tell us?")),
    ),
    published={"period": "2011-12", "positive": {"events_informed": 83}},
)

SENTENCERS = QuestionnaireDefinition(
    code="sentencers",
    version=1,
    title=_l("Sentencers' survey"),
    short_title=_l("Sentencers"),
    intro=_l(
        "Magistrates and judges in the area we are inspecting: tell us about the work of the "
        "Probation Trust in your courts."
    ),
    audience="sentencer",
    programmes=ADULT_PROGRAMMES,
    invitation_mode="shared",
    channels=("web", "paper"),
    minutes=3,
    source="¶2.14",
    questions=(
        Question(
            "psr_quality",
            _l("How satisfied are you with the quality of pre-sentence reports?"),
            FULLY_MAINLY,
            error=_l("Select how satisfied you are with the quality of pre-sentence reports"),
        ),
        Question(
            "liaison",
            _l("Are liaison arrangements between sentencers and the Probation Trust satisfactory?"),
            YES_NO_ARE_THEY,
            error=_l("Select yes if liaison arrangements are satisfactory"),
        ),
        Question(
            "court_staff_skills",
            _l("How satisfied are you with the skills of probation staff who work in court?"),
            FULLY_MAINLY,
            error=_l("Select how satisfied you are with the skills of probation staff in court"),
        ),
        Question(
            "court_staffing_concern",
            _l("Are you concerned that probation staffing levels in court are not always sufficient?"),
            YES_NO_AM,
            error=_l("Select yes if you are concerned about probation staffing levels in court"),
        ),
        comments(_l("Is there anything else you would like to tell us?")),
    ),
    published={"period": "2011-12", "positive": {"court_staffing_concern": 20}},
)

LOCAL_ASSESSOR_TRAINING = QuestionnaireDefinition(
    code="local-assessor-training",
    version=1,
    title=_l("Local Assessor training feedback"),
    short_title=_l("Local Assessor training"),
    intro=_l("Tell us what you thought of the training to assess cases alongside our inspectors."),
    audience="staff",
    programmes=ADULT_PROGRAMMES + YOUTH_PROGRAMMES,
    invitation_mode="shared",
    channels=("web", "paper"),
    about_you=about_you.ADULT,
    minutes=2,
    source="¶2.15–2.17, ¶3.16–3.17",
    questions=(
        Question(
            "training_useful",
            _l("To what extent was the training useful to you?"),
            FULLY_MAINLY,
            error=_l("Select how useful the training was"),
        ),
        Question(
            "benchmark_clear",
            _l("How clear are you about the benchmark you will apply?"),
            FULLY_MAINLY,
            error=_l("Select how clear you are about the benchmark you will apply"),
        ),
        comments(_l("Comments on the training")),
    ),
)

ALL: tuple[QuestionnaireDefinition, ...] = (
    POST_INSPECTION_EVALUATION,
    OFFENDER_MANAGER,
    CASE_MANAGER,
    ADULT_SERVICE_USER,
    YOUNG_PEOPLE,
    YOUTH_VICTIMS,
    ADULT_VICTIMS,
    SENTENCERS,
    LOCAL_ASSESSOR_TRAINING,
)
BY_CODE = {q.code: q for q in ALL}


def get(code: str) -> QuestionnaireDefinition | None:
    return BY_CODE.get(code)
