"""Forms of the arbitration panel. They only shape and type the input (numbers,
dates, files, a choice among this arbitration's objects); every rule of the
procedure is checked again by arbitration/services.py and arbitration/awards.py."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from arbitration.models import Award, DeadlineExtension, Hearing, Submission

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _datetime(label, *, required=True, help_text=""):
    return forms.DateTimeField(label=label, required=required, widget=DATETIME_WIDGET, help_text=help_text)


#: Long free text (an answer, a submission, an order, a hearing record, the parts
#: of an award) is limited like everything else; shorter fields say their own limit.
LONG_TEXT_MAX_LENGTH = 50000


def _text(label, *, required=True, rows=3, max_length=LONG_TEXT_MAX_LENGTH, help_text=""):
    return forms.CharField(label=label, required=required, max_length=max_length, help_text=help_text,
                           widget=forms.Textarea(attrs={"rows": rows}))


class FeeCalculatorForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount claimed (CNY)"), min_value=Decimal(0), max_digits=14,
                                decimal_places=2, widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))


class NoteForm(forms.Form):
    """The note (reason) that goes with a transition; services say when it is required."""

    note = _text(_("Note (reason)"), required=False, rows=2, max_length=2000)

    def __init__(self, *args, reason_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        if reason_required:  # the browser asks for it; the service refuses an empty reason anyway
            self.fields["note"].label = _("Reason")
            self.fields["note"].widget.attrs["required"] = True


class BankReceiptForm(forms.Form):
    reference = forms.CharField(label=_("Bank reference"), max_length=64)
    amount = forms.DecimalField(label=_("Amount received (CNY)"), min_value=Decimal("0.01"), max_digits=12,
                                decimal_places=2)


class AnswerForm(forms.Form):
    text = _text(_("Answer (答辩书)"), required=False, rows=6,
                 help_text=_("Write the answer here, attach it as a file, or both."))
    upload = forms.FileField(label=_("Answer as a file (PDF, image or document)"), required=False)
    counterclaim_text = _text(_("Counterclaim (反请求), if any"), required=False, rows=3)
    counterclaim_amount = forms.DecimalField(label=_("Amount counterclaimed (CNY)"), required=False,
                                             min_value=Decimal(0), max_digits=14, decimal_places=2,
                                             help_text=_("A counterclaim is charged fees like a claim."))


class NominationForm(forms.Form):
    arbitrator = forms.ChoiceField(label=_("An arbitrator from the directory"), required=False)
    nominee_name = forms.CharField(label=_("Or the name of a person not in the directory"), max_length=120,
                                   required=False)
    nominee_contact = forms.CharField(label=_("Their contact details"), max_length=200, required=False)

    def __init__(self, *args, directory=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.directory = {str(p.user_id): p.user for p in directory}
        self.fields["arbitrator"].choices = [("", "—")] + [
            (str(p.user_id), f"{p.display_name}" + (f" · {p.organisation}" if p.organisation else ""))
            for p in directory]

    def clean(self):
        data = super().clean()
        data["arbitrator"] = self.directory.get(data.get("arbitrator") or "")
        if (data["arbitrator"] is None) == (not (data.get("nominee_name") or "").strip()):
            raise forms.ValidationError(_("Choose an arbitrator from the directory or give a name, not both."))
        return data


class AppointForm(forms.Form):
    """One open seat: the manager picks the side's nominee or anyone on the centre's list."""

    arbitrator = forms.ChoiceField(label=_("Arbitrator"))
    override_conflicts = forms.BooleanField(
        label=_("Appoint despite a reported conflict of interest (the reasons are logged)"), required=False)

    def __init__(self, *args, candidates=(), **kwargs):
        """candidates: (group label, [users]) pairs, the side's nominee first."""
        super().__init__(*args, **kwargs)
        self.users = {}
        choices = [("", "—")]
        for group, users in candidates:
            if users:
                choices.append((group, [(str(u.pk), u.full_name or u.email) for u in users]))
                self.users.update({str(u.pk): u for u in users})
        self.fields["arbitrator"].choices = choices

    def clean_arbitrator(self):
        return self.users[self.cleaned_data["arbitrator"]]


class AcceptSeatForm(forms.Form):
    disclosure = _text(_("Disclosure: anything that might call your impartiality or independence into question"),
                       required=False, rows=3, max_length=4000,
                       help_text=_("Leave empty if there is nothing to disclose."))


class DeclineSeatForm(forms.Form):
    reason = _text(_("Reason for declining"), required=False, rows=2, max_length=2000)


class ChallengeForm(forms.Form):
    reason = _text(_("Reasons for the challenge (回避申请)"), rows=3, max_length=4000)


class DecideChallengeForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect,
                                 choices=[("upheld", _("Upheld: the arbitrator leaves the tribunal")),
                                          ("dismissed", _("Dismissed"))])
    note = _text(_("Reasons for the decision"), rows=2, max_length=4000)


class OrderForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = _text(_("Order"), rows=5)
    submissions_due = _datetime(_("Written submissions due (optional)"), required=False)


class SubmissionForm(forms.Form):
    kind = forms.ChoiceField(label=_("What you are submitting"), widget=forms.RadioSelect,
                             choices=[(Submission.Kind.STATEMENT, _("Written submission")),
                                      (Submission.Kind.EVIDENCE, _("Evidence"))],
                             initial=Submission.Kind.STATEMENT)
    text = _text(_("Text"), required=False, rows=5)
    upload = forms.FileField(label=_("File"), required=False,
                             help_text=_("Evidence is hashed, timestamped and logged by the notary service."))
    order = forms.ChoiceField(label=_("In answer to procedural order"), required=False)

    def __init__(self, *args, orders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.orders = {str(o.pk): o for o in orders}
        self.fields["order"].choices = [("", "—")] + [(str(o.pk), f"{o.number}. {o.title}") for o in orders]

    def clean_order(self):
        return self.orders.get(self.cleaned_data.get("order") or "")


class HearingForm(forms.Form):
    mode = forms.ChoiceField(label=_("Mode"), choices=Hearing.Mode.choices, widget=forms.RadioSelect,
                             initial=Hearing.Mode.ONLINE)
    starts_at = _datetime(_("Starts at (Beijing time)"))
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=15, max_value=600, initial=120)
    location = forms.CharField(label=_("Place (for an in-person hearing)"), max_length=200, required=False)


class HearingRecordForm(forms.Form):
    record = _text(_("Record of the hearing (庭审笔录)"), rows=6)


class AwardForm(forms.Form):
    """The structured award: the presiding arbitrator fills it in; its SHA-256 is what the tribunal signs."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Award.Kind.choices, initial=Award.Kind.FINAL,
                             widget=forms.RadioSelect)
    claims = _text(_("Claims"), rows=4)
    findings = _text(_("Findings of fact"), rows=5)
    reasoning = _text(_("Reasoning"), rows=6)
    operative = _text(_("Operative part"), rows=4, help_text=_("One item per line."))
    claimant_percent = forms.DecimalField(label=_("Share of the costs borne by the claimant (%)"), min_value=0,
                                          max_value=100, max_digits=5, decimal_places=2, initial=0)
    costs_note = forms.CharField(label=_("Note on the costs"), max_length=1000, required=False)

    def content(self) -> dict:
        data = self.cleaned_data
        return {"claims": data["claims"], "findings": data["findings"], "reasoning": data["reasoning"],
                "operative": [line.strip() for line in data["operative"].splitlines() if line.strip()],
                "costs": {"claimant_percent": str(data["claimant_percent"]), "note": data["costs_note"]}}

    @classmethod
    def initial_from(cls, award) -> dict:
        if award is None:
            return {}
        content = award.content
        return {"kind": award.kind, "claims": content.get("claims", ""), "findings": content.get("findings", ""),
                "reasoning": content.get("reasoning", ""), "operative": "\n".join(content.get("operative", [])),
                "claimant_percent": content.get("costs", {}).get("claimant_percent", "0"),
                "costs_note": content.get("costs", {}).get("note", "")}


class SignAwardForm(forms.Form):
    password = forms.CharField(label=_("Your password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    otp_token = forms.CharField(label=_("Code from your authenticator app (if you use one)"), required=False,
                                max_length=6, widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                                            "autocomplete": "one-time-code"}))


class DissentForm(forms.Form):
    opinion = _text(_("Dissenting opinion"), rows=4)


class CorrectionRequestForm(forms.Form):
    text = _text(_("What should be corrected (a clerical, typing or computational error)"), rows=3,
                 max_length=4000)


class CorrectionDecisionForm(forms.Form):
    granted = forms.TypedChoiceField(label=_("Decision"), widget=forms.RadioSelect, coerce=lambda v: v == "yes",
                                     choices=[("yes", _("Grant the correction")), ("no", _("Refuse"))])
    decision = _text(_("The tribunal's decision"), rows=3, max_length=4000)


class ExtendDeadlineForm(forms.Form):
    field = forms.ChoiceField(label=_("Deadline"))
    new_value = _datetime(_("New deadline (Beijing time)"))
    reason = _text(_("Reason"), rows=2, max_length=2000)

    def __init__(self, *args, fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [(f, DeadlineExtension.FIELDS[f]) for f in fields]
