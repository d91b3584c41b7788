"""Contract end of life (termination fields), the original delivery promise of shipments, and
versioned contract review steps with history."""

import django.db.models.deletion
import django.utils.timezone
import salesdesk.orders.models
import simple_history.models
from django.conf import settings
from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce


def fill_original_promises(apps, schema_editor):
    """The first promise of every existing shipment: the date it had before its first approved
    delivery change, else its planned date. Set-based: one UPDATE per table."""
    Shipment = apps.get_model("orders", "Shipment")
    HistoricalShipment = apps.get_model("orders", "HistoricalShipment")
    DeliveryChangeRequest = apps.get_model("orders", "DeliveryChangeRequest")
    first_change = (
        DeliveryChangeRequest.objects.filter(shipment=OuterRef("pk"), status="approved")
        .order_by("requested_at", "id")
        .values("old_date")[:1]
    )
    Shipment.objects.update(original_planned_on=Coalesce(Subquery(first_change), F("planned_on")))
    current = Shipment.objects.filter(pk=OuterRef("id")).values("original_planned_on")[:1]
    HistoricalShipment.objects.update(original_planned_on=Coalesce(Subquery(current), F("planned_on")))


def original_promise(**options):
    return salesdesk.orders.models.FirstValueDateField(
        source='planned_on', verbose_name='originally promised', **options
    )


class Migration(migrations.Migration):

    dependencies = [
        ('orders', '0002_quotes_reviews_events'),
        ('org', '0002_labels'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalContractReviewStep',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                ('updated_at', models.DateTimeField(blank=True, editable=False, verbose_name='updated at')),
                ('sequence', models.PositiveSmallIntegerField(verbose_name='order')),
                ('name', models.CharField(max_length=100, verbose_name='name')),
                ('reviewer_role', models.CharField(choices=[('rep', 'Sales rep'), ('supervisor', 'Sales supervisor'), ('manager', 'Sales manager'), ('director', 'Sales director'), ('finance', 'Finance'), ('admin', 'System administrator')], max_length=20, verbose_name='reviewer position')),
                ('min_amount', models.DecimalField(decimal_places=2, default=0, max_digits=18, verbose_name='from contract value')),
                ('only_non_standard', models.BooleanField(default=False, verbose_name='only for non-standard terms')),
                ('is_active', models.BooleanField(default=True, verbose_name='active')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
            ],
            options={
                'verbose_name': 'historical contract review step',
                'verbose_name_plural': 'historical contract review steps',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddField(
            model_name='contract',
            name='terminated_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='terminated by'),
        ),
        # The same termination fields on contracts and their history.
        *[
            migrations.AddField(model_name=model, name=name, field=field)
            for model in ('contract', 'historicalcontract')
            for name, field in (
                ('terminated_on', models.DateField(blank=True, null=True, verbose_name='terminated on')),
                ('termination_reason', models.CharField(blank=True, max_length=500, verbose_name='termination reason')),
            )
        ],
        migrations.AddField(
            model_name='contractreviewstep',
            name='updated_at',
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now, verbose_name='updated at'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='contractreviewstep',
            name='updated_by',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='updated by'),
        ),
        migrations.AddField(
            model_name='contractreviewstep',
            name='version',
            field=models.PositiveIntegerField(default=1, editable=False, verbose_name='version'),
        ),
        migrations.AddField(
            model_name='historicalcontract',
            name='terminated_by',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='terminated by'),
        ),
        # Added empty, filled from the delivery history, then required (shipments and their history).
        *[
            migrations.AddField(model_name=model, name='original_planned_on', field=original_promise(null=True))
            for model in ('historicalshipment', 'shipment')
        ],
        migrations.RunPython(fill_original_promises, migrations.RunPython.noop),
        *[
            migrations.AlterField(model_name=model, name='original_planned_on', field=original_promise())
            for model in ('historicalshipment', 'shipment')
        ],
        migrations.AddConstraint(
            model_name='contract',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'terminated'), _negated=True), ('terminated_on__isnull', False), _connector='OR'), name='contract_terminated_has_date'),
        ),
        migrations.AddField(
            model_name='historicalcontractreviewstep',
            name='company',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='org.company', verbose_name='company'),
        ),
        migrations.AddField(
            model_name='historicalcontractreviewstep',
            name='history_user',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalcontractreviewstep',
            name='reviewer',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='named reviewer'),
        ),
        migrations.AddField(
            model_name='historicalcontractreviewstep',
            name='updated_by',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='updated by'),
        ),
    ]
