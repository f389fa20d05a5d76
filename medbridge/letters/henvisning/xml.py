"""XREF01 ``HospitalReferral`` version XH0130R (henvisning) ⇄ :class:`HospitalReferral`.

The element tree of ``xml-messages.md`` §4.2 as a table, in wire order. XREF01's own names:
``Sender/Referrer``, ``AnswerCCReceiver``, ``Patient/TelephoneSubscriber`` and
``EmailIdentifier``, ``AdditionalInformation``, the correctly spelt ``ReferralAdditional``
(QualifiedDiagnoseOrTreatment), ``RelevantClinicalInformation`` and ``HospitalVisitation``.
"""

from __future__ import annotations

from medbridge.codecs.xml.mapping import Code, Formatted, Leaf, struct
from medbridge.letters.henvisning.versions import XH0130R
from medbridge.letters.shared.xml import (
    DIAGNOSIS_KIND,
    IDENTIFIER_CODE,
    PHONE,
    REFERENCE,
    SPECIALITY,
    TELEPHONE,
    letter_head,
    letter_mapping,
    party,
    patient,
    relative,
    sender,
)
from medbridge.model.codes import (
    CodeSystem,
    InformationCode,
    Priority,
    ReferralStatus,
    Transport,
)
from medbridge.model.common import Diagnosis, Referral, Referrer
from medbridge.model.henvisning import (
    AdditionalInformation,
    HospitalReferral,
    HospitalVisitation,
    RelevantClinicalInformation,
)

__all__ = ["MAPPING"]

TEXT = Formatted()

REFERRER = struct(
    Referrer,
    Leaf("Identifier", "identifier"),
    Leaf("IdentifierCode", "identifier_code", IDENTIFIER_CODE),
    Leaf("PersonName", "person_name", required=True),
    Leaf("PersonTitle", "person_title"),
)

SENDER = sender(
    SPECIALITY,
    Leaf("Referrer", "referrer", REFERRER, required=True),
)

ANSWER_CC_RECEIVER = Leaf(
    "AnswerCCReceiver",
    "answer_cc_receiver",
    party(PHONE, ean=False),
)

PATIENT = patient(
    Leaf("TelephoneSubscriber", "telephones", TELEPHONE, many=True, max=3),
    Leaf("EmailIdentifier", "email"),
    title=True,
)

RELATIVE = relative()

ADDITIONAL_INFORMATION = struct(
    AdditionalInformation,
    Leaf("Priority", "priority", Code(Priority)),
    Leaf("ReferralStatus", "referral_status", Code(ReferralStatus)),
    Leaf("Transport", "transport", Code(Transport)),
    Leaf("Supplementary", "supplementary", TEXT),
    Leaf("ClinicalReason", "clinical_reason", TEXT),
)

X_QUALIFIED_DIAGNOSE = struct(
    Diagnosis,
    Leaf("DiagnoseCode", "code"),
    Leaf("DiagnoseTypeCode", "code_system", Code(CodeSystem), required=True),
    Leaf("DiagnoseText", "text", required=True),
)
QUALIFIED_DIAGNOSE_OR_TREATMENT = struct(
    Diagnosis,
    Leaf("DiagnoseDescriptionCode", "kind", DIAGNOSIS_KIND, required=True),
    Leaf("DiagnoseCode", "code"),
    Leaf("DiagnoseTypeCode", "code_system", Code(CodeSystem), required=True),
    Leaf("DiagnoseText", "text", required=True),
)

REFERRAL = struct(
    Referral,
    Leaf("Refer", "refer", X_QUALIFIED_DIAGNOSE),
    Leaf("ReferralAdditional", "additional", QUALIFIED_DIAGNOSE_OR_TREATMENT, many=True, max=5),
)

RELEVANT_CLINICAL_INFORMATION = struct(
    RelevantClinicalInformation,
    Leaf("Cave", "cave", TEXT),
    Leaf("Anamnesis", "anamnesis", TEXT),
    Leaf("Examination", "examination", TEXT),
    Leaf("ActualMedicine", "actual_medicine", TEXT),
)

HOSPITAL_VISITATION = struct(
    HospitalVisitation,
    Leaf("InformationCode", "code", Code(InformationCode), required=True),
    Leaf("Information", "information", TEXT, required=True),
)

MAPPING = letter_mapping(
    XH0130R,
    HospitalReferral,
    *letter_head(XH0130R, SENDER, ANSWER_CC_RECEIVER, PATIENT, RELATIVE, relatives=1),
    Leaf("AdditionalInformation", "additional_information", ADDITIONAL_INFORMATION),
    Leaf("Referral", "referral", REFERRAL),
    Leaf(
        "RelevantClinicalInformation",
        "relevant_clinical_information",
        RELEVANT_CLINICAL_INFORMATION,
    ),
    Leaf("Reference", "references", REFERENCE, many=True, max=10),
    Leaf("HospitalVisitation", "hospital_visitations", HOSPITAL_VISITATION, many=True, max=9),
)
