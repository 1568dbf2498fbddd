"""Anonymising case text before it is published as a typical case (典型案例).

Pure Python: no Django, no database. `anonymise(text, parties)` is the one-shot
form; an `Anonymiser` keeps its placeholders between calls, so the facts, the
claims and the result of one case all call the respondent "B公司".

What is replaced, in this order (each later pass never sees what an earlier
pass replaced):

1. the exact identifiers given for each party (address, phone, email, shop
   URL, credit code, ID number), so the real data is caught even where the
   patterns below would miss it;
2. emails, URLs (with or without a scheme), 18-character ID numbers (the last
   may be X), 18-character unified social credit codes;
3. party names: the full name and its short forms. For a Chinese company, the
   name without its legal-form suffix (有限公司, 股份有限公司, 商行…), without
   its leading region (浙江省, 杭州, 义乌市…, or a region in brackets), and
   without both; for an English company, the name without "Co., Ltd.",
   "Inc." and the like. For a person, the full name and surname + 先生/女士
   (Mr/Ms/Mrs + surname in English);
4. mainland mobile numbers (1[3-9] + 9 digits) and landlines (area code 0xx);
5. addresses: Chinese (province / city / district / town … road or street +
   number + 号, room numbers) and English (number + street name + Road/Street…).

Placeholders depend on the language of the text (Chinese if it contains any
CJK character): parties get letters in the order they are given, so with the
claimant first and the respondent second the text reads "申请人A公司 / 被申请人
B公司" or "Company A / Company B"; persons read "C某" / "Person C". Other
identifiers read "[电话]" / "[phone]"; a second, different phone number
becomes "[电话2]" / "[phone 2]", and the same number is always the same
placeholder.

Address recognition is a heuristic (Chinese has no spaces to tell where a
road name begins): it errs on masking a character too many. Drafts made from
it go through editorial review before publication.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

ENTITY = "entity"
PERSON = "person"

CJK = "\u4e00-\u9fff"
_HAS_CJK = re.compile(f"[{CJK}]")

# --- what the generic identifiers become --------------------------------------------------
PLACEHOLDERS = {
    # kind: (Chinese, English)
    "id_number": ("身份证号", "ID number"),
    "credit_code": ("统一社会信用代码", "credit code"),
    "phone": ("电话", "phone"),
    "email": ("邮箱", "email"),
    "url": ("网址", "URL"),
    "address": ("地址", "address"),
}

# --- names ----------------------------------------------------------------------------------
# Legal-form suffixes of Chinese entities, longest first.
ZH_ENTITY_SUFFIXES = (
    "集团股份有限公司", "集团有限责任公司", "集团有限公司", "股份有限公司", "有限责任公司", "有限公司",
    "分公司", "公司", "商行", "经营部", "工作室", "合作社", "个体工商户", "厂", "店",
)
# What kind of body the placeholder keeps ("A公司", "B商行"), checked in this order.
ZH_ENTITY_TYPE_WORDS = ("律师事务所", "事务所", "公司", "商行", "经营部", "工作室", "合作社", "厂", "店", "中心",
                        "研究院", "协会")
EN_ENTITY_SUFFIX = re.compile(
    r"[\s,]*(?:co\.?,?\s*ltd\.?|company\s+limited|co\.?\s+limited|limited|ltd\.?|inc\.?|incorporated|"
    r"l\.?l\.?c\.?|corporation|corp\.?|gmbh|plc|company|co\.)$", re.IGNORECASE)

# Region names that lead Chinese company names and addresses: provinces, then
# the cities (prefecture- and county-level) this centre sees most, by short name.
PROVINCES = (
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西",
    "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "台湾", "内蒙古",
    "广西", "西藏", "宁夏", "新疆", "香港", "澳门",
)
PROVINCE_SUFFIX = r"(?:省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)"
CITIES = (
    # Zhejiang: prefecture-level, then county-level cities
    "杭州", "宁波", "温州", "嘉兴", "湖州", "绍兴", "金华", "衢州", "舟山", "台州", "丽水",
    "义乌", "慈溪", "余姚", "诸暨", "温岭", "乐清", "瑞安", "海宁", "桐乡", "永康", "东阳", "临海", "兰溪", "江山",
    "龙泉", "建德", "平湖", "嵊州", "玉环", "龙港", "富阳", "萧山", "余杭", "临安",
    # provincial capitals and other large cities
    "石家庄", "太原", "沈阳", "大连", "长春", "哈尔滨", "南京", "苏州", "无锡", "常州", "南通", "合肥", "福州", "厦门",
    "泉州", "南昌", "济南", "青岛", "郑州", "武汉", "长沙", "广州", "深圳", "东莞", "佛山", "海口", "成都", "贵阳",
    "昆明", "西安", "兰州", "西宁", "呼和浩特", "南宁", "拉萨", "银川", "乌鲁木齐",
)
CITY_SUFFIX = r"(?:市|县|区)"
EN_REGIONS = (
    "Zhejiang", "Hangzhou", "Ningbo", "Wenzhou", "Jiaxing", "Huzhou", "Shaoxing", "Jinhua", "Taizhou", "Yiwu",
    "Beijing", "Shanghai", "Tianjin", "Chongqing", "Jiangsu", "Nanjing", "Suzhou", "Guangdong", "Guangzhou",
    "Shenzhen", "Fujian", "Xiamen", "Shandong", "Qingdao", "Sichuan", "Chengdu", "Hubei", "Wuhan",
)
_REGION_PREFIX = re.compile(
    rf"^(?:(?:{'|'.join(PROVINCES)}){PROVINCE_SUFFIX}?)?(?:(?:{'|'.join(sorted(CITIES, key=len, reverse=True))})"
    rf"{CITY_SUFFIX}?)?")
_BRACKETED_REGION = re.compile(rf"[(（][{CJK}]{{2,6}}[)）]")
_EN_REGION_PREFIX = re.compile(rf"^(?:(?:{'|'.join(EN_REGIONS)})\s+)+", re.IGNORECASE)

COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙", "宇文",
                     "司徒", "夏侯", "轩辕", "端木", "呼延", "南宫", "独孤", "西门")
ZH_HONORIFICS = ("先生", "女士")
EN_HONORIFICS = ("Mr", "Mr.", "Ms", "Ms.", "Mrs", "Mrs.", "Miss", "Dr", "Dr.")

# --- identifier patterns --------------------------------------------------------------------
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_URL_STOP = r"\s<>\"'，。；、！？）)\]】"
URL = re.compile(
    rf"(?:https?://|www\.)[^{_URL_STOP}]+"
    rf"|(?<![@\w.-])(?:[A-Za-z0-9-]+\.)+(?:com|cn|net|org|shop|store|top|xyz|info|biz|io)(?:\.cn)?"
    rf"(?![\w-])(?:/[^{_URL_STOP}]*)?", re.IGNORECASE)
ID_NUMBER = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])")
# GB 32100: 18 characters from 0-9 and the capitals without I, O, Z, S, V; the 3rd-8th are the region code.
CREDIT_CODE = re.compile(
    r"(?<![0-9A-Za-z])[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Za-z])")
# Mainland mobile numbers, then landlines with their area code.
PHONE = re.compile(
    r"(?<![\dA-Za-z+])(?:\+?86[-\s]?)?(?:1[3-9]\d(?:[-\s]?\d{4}){2}"
    r"|(?:[(（]0\d{2,3}[)）]\s?|0\d{2,3}[-\s]?)\d{7,8}(?:-\d{1,5})?)(?!\d)")

# Characters that end the words before an address ("位于", "住所地", "系", "在"…):
# a road or district name practically never contains them, so an address
# match never swallows the words that introduce it.
_STOP = "在于住址系为是的位处设及向从至到与即了"
_C = rf"(?:(?![{_STOP}])[{CJK}])"
_NUM = r"[0-9０-９]+(?:[-－][0-9０-９]+)?"
ZH_ADDRESS = re.compile(
    rf"(?:(?:{'|'.join(PROVINCES)}){PROVINCE_SUFFIX}?)?"
    rf"(?:{_C}{{2,4}}?(?:市|自治州|地区|盟))?"
    rf"(?:{_C}{{1,4}}?(?:区|县|旗|市))?"
    rf"(?:(?:{_C}{{1,5}}?(?:街道|镇|乡|村))\s*(?:{_C}{{1,6}}?(?:大道|路|街|巷|弄))?|{_C}{{1,6}}?(?:大道|路|街|巷|弄))"
    rf"\s*{_NUM}\s*号"
    rf"(?:\s*[0-9０-９A-Za-z]+\s*(?:号楼|幢|栋|楼|层|单元|室|号))*")
_ZH_ADDRESS_START = re.compile(rf"(?:{'|'.join(PROVINCES)}|{'|'.join(CITIES)})")
_EN_STREET = (r"(?:(?:Street|Road|Avenue|Lane|Boulevard|Drive|Way|Court|Place|Highway|Square)\b"
              r"|(?:St|Rd|Ave|Ln|Blvd|Dr|Ct|Pl|Hwy|Sq)\b\.?)")
EN_ADDRESS = re.compile(
    r"(?:(?:Room|Rm\.?|Unit|Suite|Floor|Flat|Building|Bldg\.?|Apt\.?)\s*[\w-]+,?\s+)*"
    r"(?:No\.\s*)?\b\d{1,5}[A-Za-z]?(?:-\d{1,5})?,?\s+(?:[A-Z][A-Za-z'-]*\.?\s+){0,4}" + _EN_STREET
    + r"(?:,\s*(?:(?:Room|Unit|Suite|Floor|Building|Apt\.?)\s*[\w-]+"
    r"|[A-Z][A-Za-z]+(?:\s+[A-Z][A-Za-z]+)*\s+(?:District|County|City|Province|Town|Street)"
    r"|(?:" + "|".join(EN_REGIONS) + r")))*")


@dataclass(frozen=True)
class Subject:
    """Someone whose identity must not be published: a party, an agent, a law firm."""

    name: str
    kind: str = ENTITY  # ENTITY or PERSON
    credit_code: str = ""
    id_number: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    url: str = ""


def subject_of(party) -> Subject:
    """A Subject from a Subject, a bare name, or anything shaped like portal.Party."""
    if isinstance(party, Subject):
        return party
    if isinstance(party, str):
        return Subject(name=party)
    return Subject(
        name=getattr(party, "name", "") or "",
        kind=PERSON if getattr(party, "kind", ENTITY) == PERSON else ENTITY,
        credit_code=getattr(party, "credit_code", "") or "",
        id_number=getattr(party, "id_number", "") or "",
        address=getattr(party, "address", "") or "",
        phone=getattr(party, "phone", "") or "",
        email=getattr(party, "email", "") or "",
        url=getattr(party, "shop_url", "") or getattr(party, "url", "") or "",
    )


def is_chinese(text: str) -> bool:
    return bool(_HAS_CJK.search(text))


def _letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def _normal(value: str) -> str:
    """How two spellings of one name are compared: NFKC (full-width → half-width), no spaces, lower case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value)).lower()


def _strip_zh_suffix(name: str) -> str:
    for suffix in ZH_ENTITY_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def _strip_zh_region(name: str) -> str:
    name = _BRACKETED_REGION.sub("", name)
    match = _REGION_PREFIX.match(name)
    return name[match.end():] if match and match.end() < len(name) else name


def _strip_en_suffix(name: str) -> str:
    previous = None
    while previous != name:
        previous, name = name, EN_ENTITY_SUFFIX.sub("", name).strip(" ,")
    return name


def entity_variants(name: str) -> list[str]:
    """The full name and its short forms, longest first."""
    name = name.strip()
    variants = {name, unicodedata.normalize("NFKC", name)}
    if is_chinese(name):
        for base in list(variants):
            bare = _strip_zh_suffix(base)
            local = _strip_zh_region(base)
            shortest = _strip_zh_region(bare)
            variants.update({bare, local, _strip_zh_suffix(local), shortest})
            if "公司" in base:  # "杭州某某贸易有限公司" is also called "某某贸易公司"
                variants.update({bare + "公司", shortest + "公司"})
        variants = {v for v in variants if len(v) >= 2}
    else:
        bare = _strip_en_suffix(name)
        variants.update({bare, _EN_REGION_PREFIX.sub("", bare), _EN_REGION_PREFIX.sub("", name)})
        variants = {v for v in variants if len(v) >= 3}
    return sorted(variants, key=len, reverse=True)


def person_variants(name: str) -> list[str]:
    name = name.strip()
    variants = {name}
    if is_chinese(name):
        surname = name[:2] if name[:2] in COMPOUND_SURNAMES else name[:1]
        if len(name) > len(surname):
            variants.update(surname + honorific for honorific in ZH_HONORIFICS)
    else:
        words = name.split()
        if len(words) >= 2:
            for word in {words[0], words[-1]}:
                variants.update(f"{honorific} {word}" for honorific in EN_HONORIFICS)
    return sorted(variants, key=len, reverse=True)


def _variants(subject: Subject) -> list[str]:
    return person_variants(subject.name) if subject.kind == PERSON else entity_variants(subject.name)


def _name_pattern(variant: str) -> str:
    if is_chinese(variant):
        return re.escape(variant)
    words = [re.escape(w) for w in variant.split()]
    return r"(?<![A-Za-z])" + r"\s+".join(words) + r"(?![A-Za-z])"


class Anonymiser:
    """Replaces the identities of `parties` in any number of texts, with the
    same placeholder for the same party or identifier every time."""

    def __init__(self, parties: Iterable = ()):
        self.subjects = [s for s in (subject_of(p) for p in parties) if s.name.strip()]
        owners: dict[str, set[int]] = {}
        spellings: set[str] = set()
        for index, subject in enumerate(self.subjects):
            for variant in _variants(subject):
                owners.setdefault(_normal(variant), set()).add(index)
                spellings.add(variant)
        # normalised variant → subject index. A short form two parties share
        # ("张先生" for two 张s) is left out; a full name always counts.
        self._names: dict[str, int] = {}
        for key, indexes in owners.items():
            full = [i for i in indexes if _normal(self.subjects[i].name) == key]
            if len(indexes) == 1:
                self._names[key] = next(iter(indexes))
            elif len(full) == 1:
                self._names[key] = full[0]
        spellings = sorted((s for s in spellings if _normal(s) in self._names), key=len, reverse=True)
        self._name_re = (re.compile("|".join(_name_pattern(s) for s in spellings), re.IGNORECASE)
                         if spellings else None)
        # Known identifiers, matched literally before any pattern.
        self._known: list[tuple[str, str]] = []
        for subject in self.subjects:
            for kind, value in (("email", subject.email), ("url", subject.url), ("id_number", subject.id_number),
                                ("credit_code", subject.credit_code), ("phone", subject.phone),
                                ("address", subject.address)):
                if value and len(value.strip()) >= 5:
                    self._known.append((kind, value.strip()))
        self._known.sort(key=lambda item: len(item[1]), reverse=True)
        self._values: dict[str, dict[str, int]] = {kind: {} for kind in PLACEHOLDERS}

    # --- placeholders -----------------------------------------------------------------------
    def party_placeholder(self, index: int, chinese: bool) -> str:
        subject, letter = self.subjects[index], _letters(index)
        if subject.kind == PERSON:
            return f"{letter}某" if chinese else f"Person {letter}"
        if chinese:
            word = next((w for w in ZH_ENTITY_TYPE_WORDS if w in subject.name), "公司" if not is_chinese(subject.name)
                        else "单位")
            return f"{letter}{word}"
        if "律师事务所" in subject.name or "law firm" in subject.name.lower():
            return f"Law Firm {letter}"
        return f"Company {letter}"

    def value_placeholder(self, kind: str, value: str, chinese: bool) -> str:
        key = self._value_key(kind, value)
        seen = self._values[kind]
        number = seen.setdefault(key, len(seen) + 1)
        zh, en = PLACEHOLDERS[kind]
        if chinese:
            return f"[{zh}]" if number == 1 else f"[{zh}{number}]"
        return f"[{en}]" if number == 1 else f"[{en} {number}]"

    @staticmethod
    def _value_key(kind: str, value: str) -> str:
        value = unicodedata.normalize("NFKC", value).strip()
        if kind == "phone":
            digits = re.sub(r"\D", "", value)
            return digits[2:] if digits.startswith("86") and len(digits) > 11 else digits
        if kind == "url":
            return re.sub(r"^(?:https?://)?(?:www\.)?", "", value.lower()).rstrip("/")
        if kind in ("email", "credit_code", "id_number"):
            return value.lower()
        return re.sub(r"\s+", "", value)

    # --- the work -------------------------------------------------------------------------
    def anonymise(self, text: str, *, chinese: bool | None = None) -> str:
        if not text:
            return text
        chinese = is_chinese(text) if chinese is None else chinese
        tokens: list[str] = []

        def protect(placeholder: str) -> str:
            tokens.append(placeholder)
            return f"\ue000{chr(0xE100 + len(tokens) - 1)}\ue001"

        def replace(pattern: re.Pattern, kind: str, text: str, trim=None) -> str:
            out, last = [], 0
            for match in pattern.finditer(text):
                start, end = match.span()
                if trim is not None:
                    start, end = trim(text, start, end)
                if start >= end or start < last:
                    continue
                out.append(text[last:start])
                out.append(protect(self.value_placeholder(kind, text[start:end], chinese)))
                last = end
            out.append(text[last:])
            return "".join(out)

        for kind, value in self._known:
            pattern = re.compile(r"\s*".join(re.escape(part) for part in value.split()), re.IGNORECASE)
            text = pattern.sub(lambda m, k=kind: protect(self.value_placeholder(k, m.group(0), chinese)), text)
        text = replace(EMAIL, "email", text)
        text = replace(URL, "url", text, trim=_trim_url)
        text = replace(ID_NUMBER, "id_number", text)
        text = replace(CREDIT_CODE, "credit_code", text)
        if self._name_re is not None:
            text = self._name_re.sub(
                lambda m: protect(self.party_placeholder(self._names[_normal(m.group(0))], chinese)), text)
        text = replace(PHONE, "phone", text)
        text = replace(ZH_ADDRESS, "address", text, trim=_trim_zh_address)
        text = replace(EN_ADDRESS, "address", text)
        return re.sub("\ue000(.)\ue001", lambda m: tokens[ord(m.group(1)) - 0xE100], text)


def _trim_url(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start and text[end - 1] in ".,;:!?":
        end -= 1
    return start, end


def _trim_zh_address(text: str, start: int, end: int) -> tuple[int, int]:
    """Start a Chinese address at the first province or city name in it, when
    there is one: the pattern alone may have taken a word or two before it."""
    match = _ZH_ADDRESS_START.search(text, start, end)
    if match and match.start() > start:
        return match.start(), end
    return start, end


def anonymise(text: str, parties: Iterable = ()) -> str:
    """`text` with the parties' names and every personal identifier replaced (see the module docstring)."""
    return Anonymiser(parties).anonymise(text)
