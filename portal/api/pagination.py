"""Lists: `limit` (1-500, default 100) and `offset`, refused when not valid
(DRF's own LimitOffsetPagination silently ignores bad values)."""

from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.pagination import LimitOffsetPagination

MSG_NOT_AN_INTEGER = _("Give a whole number from %(min)d to %(max)d.")
MSG_ONE_VALUE = _("Give this parameter once.")


def query_param(request, name: str) -> str | None:
    """The one value of a query parameter, or None; 400 when it is repeated."""
    values = request.query_params.getlist(name)
    if len(values) > 1:
        raise serializers.ValidationError({name: [MSG_ONE_VALUE]})
    if values and "\x00" in values[0]:  # no database takes NUL (PostgreSQL would fail, not answer)
        raise serializers.ValidationError({name: [ProhibitNullCharactersValidator.message]})
    return values[0] if values else None


def _bounded_int(request, name: str, *, default: int, low: int, high: int) -> int:
    raw = query_param(request, name)
    if raw is None:
        return default
    if not raw.isascii() or not raw.isdigit() or not low <= int(raw) <= high:
        raise serializers.ValidationError({name: [MSG_NOT_AN_INTEGER % {"min": low, "max": high}]})
    return int(raw)


class Pagination(LimitOffsetPagination):
    default_limit = 100
    max_limit = 500
    max_offset = 10**9

    def get_limit(self, request) -> int:
        return _bounded_int(request, self.limit_query_param, default=self.default_limit, low=1, high=self.max_limit)

    def get_offset(self, request) -> int:
        return _bounded_int(request, self.offset_query_param, default=0, low=0, high=self.max_offset)

    def get_schema_operation_parameters(self, view):
        limit, offset = super().get_schema_operation_parameters(view)
        limit["schema"].update(minimum=1, maximum=self.max_limit, default=self.default_limit)
        offset["schema"].update(minimum=0, maximum=self.max_offset, default=0)
        return [limit, offset]
