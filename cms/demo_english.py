"""English text of the demo public site.

Each entry has the same shape as its Chinese original (portal.demo.content,
cms.demo): the same fields, the same number of blocks, paragraphs and list
items, because cms.demo hands it to wagtail-localize string by string, in
order, as the translation of the Chinese page.
"""

import datetime

HOME = {
    "title": "Home",
    "intro": "Resolve IP disputes without going to court",
    "lead": (
        "The centre offers rights holders, e-commerce sellers and lawyers online mediation, arbitration and "
        "electronic evidence preservation for intellectual property disputes. Settlement agreements can be "
        "confirmed by a court, arbitral awards are final, and preserved evidence can be verified offline by courts."
    ),
    "steps_heading": "How it works",
    "steps": [
        ("File online", "Enter the parties, the rights, the facts and your claims, upload your evidence, "
                        "and save a draft at any time."),
        ("Review and docketing", "A case manager checks the filing, returns it for correction or dockets it; "
                                 "a docketed case gets a case number."),
        ("Mediation or arbitration", "A mediator helps both sides settle online; where there is an arbitration "
                                     "agreement, a tribunal hears the case and makes an award."),
        ("Judicial confirmation or enforcement", "Within 30 days of the settlement agreement taking effect, the "
                                                 "parties may jointly apply to a court for judicial confirmation."),
    ],
}

GUIDES = [
    {
        "slug": "how-to-file",
        "title": "How to file",
        "summary": "Who can file, what to prepare, and what happens after you submit.",
        "body": [
            ("heading", "Who can file"),
            ("paragraph", "<p>Patent holders, trademark registrants, copyright owners and trade secret holders, "
                          "their licensees, or lawyers acting for them can file an IP dispute online. An "
                          "e-commerce seller who has received an infringement complaint can also settle it with "
                          "the rights holder through the centre.</p>"),
            ("heading", "What to prepare"),
            ("paragraph", "<ul><li>The names of the claimant and the respondent, their unified social credit code "
                          "or ID number, address and contact details; for an online shop, the shop's web "
                          "address;</li>"
                          "<li>Proof of your right: patent certificate, trademark registration certificate, "
                          "copyright registration certificate or similar, with the registration number and "
                          "term;</li>"
                          "<li>Evidence of infringement: screenshots, purchase receipts, notarial certificates, "
                          "photos of the goods;</li>"
                          "<li>If a lawyer files for you, the power of attorney;</li>"
                          "<li>For arbitration, the arbitration agreement, or a request that the centre ask the "
                          "respondent to agree to arbitration.</li></ul>"),
            ("heading", "After you submit"),
            ("paragraph", "<p>A case manager usually reviews the filing within 3 working days. A complete filing "
                          "is docketed and given a case number; one that needs correcting is returned with the "
                          "reasons, and you have 15 days to correct and resubmit it. You can follow the progress "
                          "and the timeline in “My cases” at any time.</p>"),
        ],
    },
    {
        "slug": "mediation",
        "title": "Mediation",
        "summary": "How mediation works, how long it takes, and how a court confirms the settlement agreement.",
        "body": [
            ("heading", "The respondent's consent"),
            ("paragraph", "<p>Once the case is docketed, the centre invites the respondent to mediation by email "
                          "and text message. The respondent has 7 days to accept or refuse; no answer within "
                          "that time counts as a refusal.</p>"),
            ("heading", "Choosing the mediator"),
            ("paragraph", "<p>The parties may choose a mediator together from the panel, or the centre appoints "
                          "one. The mediator must disclose anything that could affect their impartiality; each "
                          "party may object once, and a case manager decides.</p>"),
            ("heading", "The mediation period"),
            ("paragraph", "<p>Mediation lasts 30 days from the respondent's consent and may be extended once if "
                          "both parties agree. The mediator may hold joint sessions or speak with one side alone "
                          "(a private caucus).</p>"),
            ("heading", "Settlement agreement and judicial confirmation"),
            ("paragraph", "<p>When the parties settle, both sign the settlement agreement online. Under "
                          "Article 205 of the Civil Procedure Law of the People's Republic of China, they apply "
                          "jointly to a competent people's court for judicial confirmation within 30 days of the "
                          "agreement taking effect. If one party fails to perform a settlement the court has "
                          "confirmed, the other may apply for enforcement.</p>"),
        ],
    },
    {
        "slug": "arbitration",
        "title": "Arbitration",
        "summary": "Arbitration needs an arbitration agreement; time limits and tribunals in the ordinary and "
                   "expedited procedures.",
        "body": [
            ("heading", "The arbitration agreement"),
            ("paragraph", "<p>Arbitration requires a written arbitration agreement: an arbitration clause in a "
                          "contract, or an agreement the parties make after the dispute arises. If mediation "
                          "fails, the parties may also agree to go on to arbitration.</p>"),
            ("heading", "Ordinary procedure"),
            ("paragraph", "<p>The respondent answers within 45 days of receiving the notice of arbitration. The "
                          "tribunal has three arbitrators unless the parties agree on a sole arbitrator, and it "
                          "makes its award within 6 months of being constituted.</p>"),
            ("heading", "Expedited procedure"),
            ("paragraph", "<p>Claims of up to 5,000,000 yuan, or any claim where the parties so agree, follow "
                          "the expedited procedure: 20 days to answer, a sole arbitrator, and an award within "
                          "3 months of the tribunal being constituted.</p>"),
            ("heading", "The award"),
            ("paragraph", "<p>The award is binding from the day it is made. A party may ask for clerical or "
                          "computational errors to be corrected within the time allowed. If one party does not "
                          "comply with the award, the other may apply to a people's court for enforcement.</p>"),
        ],
    },
    {
        "slug": "fees",
        "title": "Fees",
        "summary": "Mediation is free; arbitration fees are charged in bands by the amount in dispute.",
        "body": [
            ("heading", "Mediation"),
            ("paragraph", "<p>The centre charges the parties nothing for mediating IP disputes.</p>"),
            ("heading", "Arbitration"),
            ("paragraph", "<p>Arbitration fees are a filing fee and a handling fee calculated in bands on the "
                          "amount in dispute. The claimant pays them in advance when the case is docketed; the "
                          "tribunal decides in the award whether the losing party bears them or how they are "
                          "shared. Counterclaims are charged in the same way. The fee calculator on the "
                          "arbitration rules page gives an estimate.</p>"),
            ("notice", "<p>Reductions: a claimant who is an individual in genuine financial difficulty may ask "
                       "to pay arbitration fees later or to pay less.</p>"),
        ],
    },
]

FILING = {
    "title": "File a dispute",
    "intro": (
        "<p>Fill in the dispute step by step. Each step is saved as a draft, so you can leave at any time and "
        "carry on later from “My cases”.</p>"
        "<p>After you submit, the centre reviews your filing; if it is complete, it is docketed and you are told "
        "the case number.</p>"
    ),
    "before_you_start": (
        "<ul><li>The parties' names, unified social credit codes or ID numbers, and contact details</li>"
        "<li>The registration number, holder and term of your right</li><li>Your evidence files (PDF, images, "
        "Word and so on, up to 50 MB each)</li></ul>"
    ),
    "categories": [
        ("trademark", "<p>Have the trademark registration certificate, the registered classes of goods or "
                      "services, and links to or photos of the infringing goods ready.</p>"),
        ("patent", "<p>Have the patent certificate, the claims, and a comparison of the accused product with the "
                   "claims ready; for utility model and design patents, a patent evaluation report is "
                   "recommended.</p>"),
        ("copyright", "<p>Have the copyright registration certificate or the original drafts, proof of first "
                      "publication, and screenshots or web addresses of the infringing work ready.</p>"),
        ("trade_secret", "<p>Describe the secret, the confidentiality measures taken (such as non-disclosure "
                         "agreements), and how the other side obtained or used it.</p>"),
        ("geo_indication", "<p>Have the registration of the geographical indication, and information on where "
                           "the accused products come from, ready.</p>"),
        ("plant_variety", "<p>Have the plant variety rights certificate and the source of the accused propagating "
                          "material ready.</p>"),
        ("other", "<p>For other IP disputes, explain the basis of your right in the facts and reasons.</p>"),
    ],
}

DIRECTORY = {
    "title": "Mediators and arbitrators",
    "intro": "<p>The centre's mediators and arbitrators are selected and reviewed every year. You can search them "
             "by type of dispute, region and working language; the mediator or arbitrator of a particular case "
             "is chosen by the parties or appointed by the centre under its rules.</p>",
}

CASE_STUDY_INDEX = {
    "title": "Typical cases",
    "intro": "<p>These cases were all concluded by the centre. The parties' names and identifying details have "
             "been anonymised, and each case was reviewed by an editor before publication.</p>",
}

CASE_STUDIES = {
    "tea-trademark-online-shop": {
        "title": "Trademark dispute between a tea company and an online shop, settled in mediation",
        "summary": "An online shop sold tea under an identical trademark. After online mediation the parties "
                   "settled the same day: the respondent took down its listings and paid damages, and a court "
                   "confirmed the agreement.",
        "facts": "<p>Claimant A is the registered owner of the “West Lake Longjing” word and device mark. A "
                 "found that respondent B's online shop on an e-commerce platform was selling tea in packaging "
                 "bearing a sign identical to the mark, with more than a thousand sales. A filed for mediation "
                 "online with the centre, asking B to stop the infringement, take down the listings and pay "
                 "damages.</p>",
        "result": "<p>The mediator held an online video mediation, first speaking with each side privately and "
                  "then bringing them together. B admitted that its supply channel was irregular and agreed to "
                  "take down all listings at once, destroy the remaining packaging and pay 20,000 yuan in two "
                  "instalments. The parties signed the settlement agreement and applied jointly for judicial "
                  "confirmation, and the court ruled the agreement valid.</p>",
        "significance": "<p>E-commerce infringement disputes involve small sums and mostly online evidence, so "
                        "they suit mediation conducted entirely online. Once confirmed by a court, the "
                        "settlement is enforceable: the rights holder can apply for enforcement without "
                        "suing.</p>",
    },
    "clothing-pattern-copyright": {
        "title": "Copyright dispute over a clothing pattern, settled in mediation",
        "summary": "Clothes sold in a livestream used patterns protected by someone else's copyright. In "
                   "mediation the parties agreed a licence, turning the dispute into a lasting business "
                   "relationship.",
        "facts": "<p>Claimant A owns the copyright in the patterns of its “Qinghe” clothing line. Respondent B "
                 "sold several garments with similar patterns in its livestream. A submitted the registration "
                 "certificate of the work and a notarised recording of the livestream.</p>",
        "result": "<p>After checking the preserved evidence, the mediator encouraged both sides to look to a "
                  "long-term relationship. B paid a licence fee for the goods already sold and signed a two-year "
                  "pattern licence with A.</p>",
        "significance": "<p>Mediation can do more than end an infringement: it can lead to lawful business "
                        "cooperation. The livestream recording preserved by the centre, with its hash and trusted "
                        "timestamp verifiable offline, let both sides establish the facts quickly.</p>",
    },
    "utility-model-teaware": {
        "title": "Utility model patent dispute over teaware, mediation ended without settlement",
        "summary": "The parties disagreed widely on whether the product fell within the patent's scope. No "
                   "settlement was reached; the centre issued a mediation termination certificate and the "
                   "parties went to court.",
        "facts": "<p>Claimant A holds a utility model patent for portable teaware and considered that the "
                 "teaware made and sold by respondent D fell within the scope of the patent. D argued that its "
                 "product used a different technical solution.</p>",
        "result": "<p>During mediation each side submitted a technical comparison, but they remained too far "
                  "apart on damages and on whether the technical features were the same. When the mediation "
                  "period ended without agreement, the centre terminated the mediation under its rules and "
                  "issued a signed and notarised mediation termination certificate.</p>",
        "significance": "<p>When mediation fails, the termination certificate and the evidence preserved during "
                        "mediation can be used in later litigation; concessions a party made in mediation are "
                        "not used as evidence against it.</p>",
    },
}

STATISTICS = {
    "title": "Statistics",
    "intro": "<p>The figures on this page are generated live from the case system. You can filter them by the "
             "year cases were docketed and download them as a CSV file.</p>",
    "notes": "<p>Cases are counted by the date they were docketed. Settlement rate = cases that reached a "
             "settlement agreement ÷ cases whose mediation has ended; judicial confirmation rate = settlement "
             "agreements confirmed by a court ÷ settlement agreements reached; days to closure are the median "
             "from docketing to closure.</p>",
}

INFRINGER_LIST = {
    "title": "Repeat and wilful infringer list",
    "intro": "<p>Companies found to have infringed in two or more court-confirmed settlement agreements or "
             "arbitral awards within two years are added to this list after review by the centre, and are "
             "shown for one year.</p>",
    "objection_info": "<p>A listed company is notified and can object through the link in the notice. While an "
                      "objection is being reviewed the entry is not shown; if the objection is upheld, the entry "
                      "is removed.</p>",
}

NEWS_INDEX = {"title": "News and notices"}

NEWS = {
    "electronic-evidence-platform": {
        "date": datetime.date(2026, 11, 18),
        "title": "Electronic evidence platform goes live",
        "intro": "The centre's electronic evidence platform is now live; preserved files can be verified offline.",
        "body": "<p>From today, parties can upload evidence files or capture web pages online. The platform "
                "hashes every file, adds a trusted timestamp and writes it to a transparency log; courts can "
                "verify the notary certificates it issues offline.</p>",
    },
    "english-language-mediation": {
        "date": datetime.date(2026, 10, 9),
        "title": "Mediation in English now available",
        "intro": "Parties from abroad can now mediate IP disputes in English.",
        "body": "<p>The centre's panel now includes mediators and arbitrators working in English, Japanese and "
                "Korean. Choose the working language when you file; the online sessions, the settlement "
                "agreement and the notices can all be in English.</p>",
    },
    "court-referral-docking": {
        "date": datetime.date(2026, 9, 1),
        "title": "Court-referred pre-litigation mediation with the Xihu District People's Court, Hangzhou",
        "intro": "The court can refer IP disputes online, and settlement agreements can go straight to judicial "
                 "confirmation.",
        "body": "<p>The centre and the Xihu District People's Court of Hangzhou have signed an agreement linking "
                "litigation and mediation. IP disputes the court refers before docketing are transferred online "
                "through the platform; when mediation succeeds, the parties may jointly apply to the court for "
                "judicial confirmation within 30 days of the agreement taking effect.</p>",
    },
}

RULES = {
    "title": "Rules and fees",
    "summary": "Mediation rules, arbitration rules and fees.",
    "body": [
        ("paragraph", "<p>The centre handles IP disputes under its Mediation Rules and Arbitration Rules. Mediation "
                      "is free; arbitration fees (a filing fee and a handling fee) are charged in bands by the "
                      "amount in dispute, and the expedited procedure applies to claims of up to 5,000,000 "
                      "yuan.</p>"),
        ("notice", "<p>The rules below are summaries; the official texts published by the centre prevail.</p>"),
    ],
    "children": {
        "mediation-rules": ("Mediation rules (summary)",
                            "Respondent's consent, the mediation period, the settlement agreement and judicial "
                            "confirmation.", [
                                ("heading", "Starting mediation"),
                                ("paragraph", "<p>The respondent answers within 7 days of receiving the "
                                              "invitation to mediate; no answer within that time counts as a "
                                              "refusal.</p>"),
                                ("heading", "The mediation period"),
                                ("paragraph", "<p>Mediation lasts 30 days from the respondent's consent and may "
                                              "be extended once if both parties agree.</p>"),
                                ("heading", "Judicial confirmation"),
                                ("paragraph", "<p>Within 30 days of the settlement agreement taking effect, the "
                                              "parties may jointly apply to a competent people's court for "
                                              "judicial confirmation.</p>"),
                            ]),
        "arbitration-rules": ("Arbitration rules (summary)",
                              "Time limits and the tribunal in the ordinary and expedited procedures.", [
                                  ("heading", "Ordinary procedure"),
                                  ("paragraph", "<p>The respondent submits an answer within 45 days; the tribunal "
                                                "has three arbitrators unless the parties agree otherwise, and "
                                                "makes its award within 6 months of being constituted.</p>"),
                                  ("heading", "Expedited procedure"),
                                  ("paragraph", "<p>Claims of up to 5,000,000 yuan, or where the parties so "
                                                "agree, follow the expedited procedure: an answer within 20 days, "
                                                "a sole arbitrator, and an award within 3 months of the tribunal "
                                                "being constituted.</p>"),
                              ]),
    },
}
