"""The repeat and wilful infringer list (重复侵权、故意侵权企业名录).

sources.py    where infringements come from (a Wagtail hook other apps register into)
models.py     candidates, published listings, objections
services.py   finding candidates, approving, dismissing, objecting, deciding objections
"""
