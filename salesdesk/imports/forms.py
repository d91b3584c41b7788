"""Forms validate input only; cleaned_data goes to a service."""

from django import forms
from django.utils.translation import gettext_lazy as _

from salesdesk.imports.models import ImportKind, ImportMapping


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What to import"), choices=ImportKind.choices)
    file = forms.FileField(label=_("File (CSV or XLSX)"))
    mapping = forms.ModelChoiceField(
        label=_("Saved mapping"),
        queryset=ImportMapping.objects.none(),
        required=False,
        help_text=_("Leave empty to match columns by field name."),
    )
    mapping_file = forms.FileField(label=_("…or a mapping file (JSON)"), required=False)
    dry_run = forms.BooleanField(label=_("Dry run: check every row, write nothing"), required=False)
    partial = forms.BooleanField(label=_("Import the good rows even if some are bad"), required=False)

    def __init__(self, *args, mappings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mapping"].queryset = mappings if mappings is not None else ImportMapping.objects.none()

    def clean(self):
        data = super().clean()
        if data.get("mapping") and data.get("mapping_file"):
            raise forms.ValidationError(_("Choose a saved mapping or upload one, not both."))
        return data


class MappingForm(forms.Form):
    kind = forms.ChoiceField(label=_("What it imports"), choices=ImportKind.choices)
    name = forms.CharField(label=_("Name"), max_length=100)
    mapping_file = forms.FileField(label=_("Mapping file (JSON)"))
