"""Payment of arbitration fees through a provider interface.

A provider starts a payment (`start`) and later reports it as paid, by calling
arbitration.services.payment_succeeded. Two providers ship:

- DevelopmentProvider: a simulated gateway page inside the portal (no money
  moves); the page's confirmation is signed so it cannot be forged by a party.
  Used by `make run`, the demo and the tests. Refused in production settings.
- BankTransferProvider: the payer is shown the centre's account and a payment
  reference; a case manager records the receipt from the bank statement.

A real gateway (e.g. UnionPay, Alipay) would implement `start` to redirect to
the gateway and a callback view that verifies the gateway's signature.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.module_loading import import_string

from arbitration.models import FeeAssessment, Payment


class PaymentProvider:
    code = ""
    #: whether a case manager may record a payment by hand (bank statement)
    manual_receipts = False

    def start(self, *, assessment: FeeAssessment, payer) -> Payment:
        raise NotImplementedError

    def next_url(self, payment: Payment) -> str:
        """Where the payer goes after starting the payment."""
        return reverse("arbitration_panel", args=[payment.assessment.arbitration.case.url_key])

    @staticmethod
    def new_reference() -> str:
        return "PAY" + secrets.token_hex(8).upper()

    def _create(self, *, assessment: FeeAssessment, payer) -> Payment:
        outstanding = assessment.payments.filter(status=Payment.Status.PENDING, provider=self.code).first()
        if outstanding:
            return outstanding
        return Payment.objects.create(assessment=assessment, provider=self.code, reference=self.new_reference(),
                                      amount=assessment.total, payer=payer)


class DevelopmentProvider(PaymentProvider):
    code = "dev"
    salt = "arbitration.payments.dev"

    def start(self, *, assessment, payer) -> Payment:
        return self._create(assessment=assessment, payer=payer)

    def next_url(self, payment: Payment) -> str:
        return reverse("arbitration_dev_gateway", args=[payment.reference])

    def confirmation_token(self, payment: Payment) -> str:
        return signing.dumps({"ref": payment.reference, "amount": str(payment.amount)}, salt=self.salt)

    def verify(self, payment: Payment, token: str) -> bool:
        try:
            data = signing.loads(token, salt=self.salt, max_age=3600)
        except signing.BadSignature:
            return False
        return data == {"ref": payment.reference, "amount": str(payment.amount)}


class BankTransferProvider(PaymentProvider):
    code = "bank"
    manual_receipts = True

    def start(self, *, assessment, payer) -> Payment:
        return self._create(assessment=assessment, payer=payer)


def get_provider() -> PaymentProvider:
    return import_string(settings.ARBITRATION_PAYMENT_PROVIDER)()
