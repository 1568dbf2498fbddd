"""StreamField blocks shared by the public pages."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class CallToActionBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"))
    text = blocks.TextBlock(label=_("Text"), required=False)
    link_page = blocks.PageChooserBlock(label=_("Link to page"), required=False)
    link_url = blocks.CharBlock(label=_("or link to URL"), required=False)
    link_text = blocks.CharBlock(label=_("Button text"))

    class Meta:
        template = "cms/blocks/cta.html"
        icon = "link"


class StepsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"))
    steps = blocks.ListBlock(blocks.StructBlock([
        ("title", blocks.CharBlock(label=_("Step"))),
        ("text", blocks.TextBlock(label=_("Explanation"), required=False)),
    ]), label=_("Steps"))

    class Meta:
        template = "cms/blocks/steps.html"
        icon = "list-ol"


class CardsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), required=False)
    cards = blocks.ListBlock(CallToActionBlock(), label=_("Cards"))

    class Meta:
        template = "cms/blocks/cards.html"
        icon = "grip"


class NoticeBlock(blocks.StructBlock):
    text = blocks.RichTextBlock(label=_("Text"), features=["bold", "italic", "link"])

    class Meta:
        template = "cms/blocks/notice.html"
        icon = "warning"


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(label=_("Heading"), form_classname="title", template="cms/blocks/heading.html")
    paragraph = blocks.RichTextBlock(label=_("Paragraph"),
                                     features=["h3", "bold", "italic", "ol", "ul", "link", "document-link"])
    steps = StepsBlock()
    cards = CardsBlock()
    notice = NoticeBlock()
    call_to_action = CallToActionBlock()
