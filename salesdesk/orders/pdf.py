"""The quote as a PDF, in Chinese or English. reportlab's built-in CID font STSong-Light draws the
Chinese text with the reader's own fonts: nothing is embedded, downloaded or committed."""

from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "STSong-Light"
LANGUAGES = {"zh": "zh-hans", "en": "en"}


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _p(text, style) -> Paragraph:
    """A paragraph of plain text: reportlab reads markup in paragraphs, customer data is not markup."""
    return Paragraph(escape(str(text)), style)


def quote_pdf(quote, lines, *, language: str) -> bytes:
    """``language`` is "zh" or "en"; the labels follow it, the data is as entered."""
    font = _font()
    title_style = ParagraphStyle("title", fontName=font, fontSize=18, leading=24)
    body = ParagraphStyle("body", fontName=font, fontSize=10, leading=14)
    buffer = BytesIO()
    with translation.override(LANGUAGES.get(language, "zh-hans")):
        doc = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=18 * mm,
            rightMargin=18 * mm,
            topMargin=18 * mm,
            bottomMargin=18 * mm,
            title=f"{_('Quotation')} {quote.number}",
            author=str(quote.company),
        )
        story = [
            _p(quote.company, body),
            _p(f"{_('Quotation')} {quote.number}", title_style),
            Spacer(1, 4 * mm),
            _p(f"{_('Customer')}: {quote.customer}", body),
            _p(f"{_('Valid until')}: {quote.valid_until:%Y-%m-%d}", body),
            _p(f"{_('Sales contact')}: {quote.owner}", body),
            Spacer(1, 6 * mm),
        ]
        rows = [
            [_("Product"), _("Quantity"), _("List price"), _("Discount (%)"), _("Unit price"), _("Amount")]
        ]
        for line in lines:
            rows.append(
                [
                    _p(line.product, body),
                    f"{line.quantity:,}",
                    f"{line.list_price:,}",
                    f"{line.discount_percent}",
                    f"{line.unit_price:,}",
                    f"{line.amount:,}",
                ]
            )
        rows.append(["", "", "", "", _("Total"), f"{quote.amount:,}"])
        table = Table(rows, colWidths=[60 * mm, 18 * mm, 24 * mm, 20 * mm, 24 * mm, 28 * mm], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), font),
                    ("FONTSIZE", (0, 0), (-1, -1), 9),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
                    ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                    ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.grey),
                    ("LINEABOVE", (0, -1), (-1, -1), 0.5, colors.grey),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ]
            )
        )
        story += [table, Spacer(1, 6 * mm)]
        if quote.notes:
            story.append(_p(f"{_('Notes')}: {quote.notes}", body))
        story.append(
            _p(_("Prices in %(currency)s, tax included.") % {"currency": quote.company.currency}, body)
        )
        doc.build(story)
    return buffer.getvalue()
