"""The anonymiser behind typical cases: names with their short forms, codes, phones, emails, URLs, addresses."""

import pytest

from cms.anonymise import PERSON, Anonymiser, Subject, anonymise, entity_variants

CLAIMANT = Subject("杭州某某贸易有限公司")
RESPONDENT = Subject("义乌市小商品贸易商行")
SELLER = Subject("张三", kind=PERSON)
PARTIES = [CLAIMANT, RESPONDENT, SELLER]


# --- Chinese -----------------------------------------------------------------------------------

def test_company_full_name_becomes_a_lettered_company():
    assert anonymise("申请人杭州某某贸易有限公司诉被申请人义乌市小商品贸易商行", PARTIES) == "申请人A公司诉被申请人B商行"


@pytest.mark.parametrize("short_form", ["某某贸易", "某某贸易有限公司", "杭州某某贸易", "某某贸易公司"])
def test_company_short_forms_without_suffix_or_region_become_the_same_placeholder(short_form):
    assert anonymise(f"{short_form}多次发函。", PARTIES) == "A公司多次发函。"


def test_region_with_administrative_suffix_and_bracketed_region_are_short_forms():
    assert "小商品贸易商行" in entity_variants("义乌市小商品贸易商行")
    assert "某某科技" in entity_variants("某某（杭州）科技有限公司")
    assert anonymise("某某科技与某某（杭州）科技有限公司", [Subject("某某（杭州）科技有限公司")]) == "A公司与A公司"


@pytest.mark.parametrize("mention", ["张三", "张先生", "张女士"])
def test_person_full_name_and_surname_with_honorific_become_the_same_placeholder(mention):
    assert anonymise(f"经营者{mention}未回应。", PARTIES) == "经营者C某未回应。"


def test_compound_surname_with_honorific():
    assert anonymise("欧阳先生到场。", [Subject("欧阳娜娜", kind=PERSON)]) == "A某到场。"


def test_surname_shared_by_two_people_is_not_guessed():
    text = anonymise("张先生、张三和张丽都到场。", [Subject("张三", kind=PERSON), Subject("张丽", kind=PERSON)])
    assert text == "张先生、A某和B某都到场。"


def test_credit_code_and_id_number():
    text = anonymise("信用代码91330106MA2B0XKQ8P，身份证号33010619900101123X。", PARTIES)
    assert text == "信用代码[统一社会信用代码]，身份证号[身份证号]。"


@pytest.mark.parametrize("phone", ["13800000003", "138-0000-0003", "138 0000 0003", "+86 138 0000 0003",
                                   "0571-88000000", "（0571）88000000"])
def test_mobile_and_landline_numbers(phone):
    assert anonymise(f"电话：{phone}。", PARTIES) == "电话：[电话]。"


def test_email_and_shop_urls():
    text = anonymise("邮箱 seller@example.com，网店 https://shop.example.cn/store/10086，另见 shop.example.cn/store/2。",
                     PARTIES)
    assert text == "邮箱 [邮箱]，网店 [网址]，另见 [网址2]。"


@pytest.mark.parametrize("address", [
    "浙江省杭州市西湖区文三路 90 号",
    "杭州市滨江区江南大道3850号3幢501室",
    "浙江省义乌市福田街道 12 号",
    "文三路100号",
])
def test_chinese_addresses(address):
    assert anonymise(f"住所地位于{address}，", PARTIES) == "住所地位于[地址]，"


def test_words_before_an_address_are_kept():
    assert anonymise("被申请人在文三路100号经营。", PARTIES) == "被申请人在[地址]经营。"


def test_registration_numbers_and_amounts_are_not_mistaken_for_identifiers():
    text = "“西湖龙井”商标（第 12345678 号），销量 3000 件，赔偿 20000 元，2026年9月发现。"
    assert anonymise(text, PARTIES) == text


def test_same_identifier_same_placeholder_and_different_identifiers_numbered():
    text = anonymise("电话13800000003、13900000004，再次拨打138-0000-0003。", PARTIES)
    assert text == "电话[电话]、[电话2]，再次拨打[电话]。"


def test_known_party_details_are_replaced_even_where_no_pattern_matches():
    party = Subject("某某贸易有限公司", address="西溪湿地旁边那栋红房子", phone="400-800-1234")
    assert anonymise("地址：西溪湿地旁边那栋红房子，热线400-800-1234。", [party]) == "地址：[地址]，热线[电话]。"


def test_anonymiser_keeps_placeholders_across_texts():
    anonymiser = Anonymiser(PARTIES)
    first = anonymiser.anonymise("义乌市小商品贸易商行电话13900000001、13800000003。")
    second = anonymiser.anonymise("小商品贸易商行再次拨打13800000003。")
    assert first == "B商行电话[电话]、[电话2]。"
    assert second == "B商行再次拨打[电话2]。"


def test_party_objects_are_accepted_with_their_identifiers():
    class Party:
        name, kind, credit_code, id_number = "宁波某某电器有限公司", "entity", "", ""
        address, phone, email, shop_url = "", "", "", "https://mall.example.com/s/77"

    assert anonymise("宁波某某电器有限公司的店铺 https://mall.example.com/s/77", [Party()]) == "A公司的店铺 [网址]"


# --- English -----------------------------------------------------------------------------------

EN_PARTIES = [Subject("Hangzhou Acme Trading Co., Ltd."), Subject("Yiwu Widget Store Limited"),
              Subject("John Smith", kind=PERSON)]


@pytest.mark.parametrize("mention", ["Hangzhou Acme Trading Co., Ltd.", "Acme Trading Co., Ltd.", "Acme Trading",
                                     "ACME TRADING"])
def test_english_company_name_and_short_forms(mention):
    assert anonymise(f"{mention} filed the claim.", EN_PARTIES) == "Company A filed the claim."


@pytest.mark.parametrize("mention", ["John Smith", "Mr Smith", "Mr. Smith"])
def test_english_person_name_and_title_with_surname(mention):
    assert anonymise(f"The shop is run by {mention}.", EN_PARTIES) == "The shop is run by Person C."


def test_english_identifiers():
    text = anonymise(
        "Contact john.smith@example.com or +86 139 1234 5678; the shop is at www.widgets.cn/shop/1. "
        "ID 330106199001011234, credit code 91330106MA2B0XKQ8P.", EN_PARTIES)
    assert text == ("Contact [email] or [phone]; the shop is at [URL]. ID [ID number], credit code [credit code].")


@pytest.mark.parametrize("address", ["90 Wensan Road, Xihu District, Hangzhou", "12 Market Street",
                                     "Room 501, 3850 Jiangnan Avenue"])
def test_english_addresses(address):
    assert anonymise(f"Its office is at {address}.", EN_PARTIES) == "Its office is at [address]."


def test_english_consistency():
    anonymiser = Anonymiser(EN_PARTIES)
    assert anonymiser.anonymise("Yiwu Widget Store Limited (\"Widget Store\") sold copies.") == \
        'Company B ("Company B") sold copies.'
    assert anonymiser.anonymise("Widget Store paid Acme Trading.") == "Company B paid Company A."
