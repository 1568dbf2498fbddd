"""The fee table and calculator on the rules pages.

cms does not know fees: the arbitration app owns the fee schedule. Since no
app may import cms, the provider plugs in through a Wagtail hook, registered
in the providing app's wagtail_hooks.py:

    from wagtail import hooks

    @hooks.register("fee_schedule_provider")
    def fee_schedule(request, page):
        # Return None to show nothing, or the template to include and its context.
        return {"template": "arbitration/fee_schedule.html", "schedule": current_schedule()}

A RulesPage with "show the fee table and calculator" ticked includes that
template in its `fee_schedule` block, with the returned dict as
`fee_schedule`; with no provider registered (or every provider returning
None) the block stays empty.
"""

from wagtail import hooks

FEE_SCHEDULE_HOOK = "fee_schedule_provider"


def fee_schedule(request, page) -> dict | None:
    """The first provider's answer: {"template": …, **context}, or None."""
    for provider in hooks.get_hooks(FEE_SCHEDULE_HOOK):
        answer = provider(request, page)
        if answer:
            return answer
    return None
