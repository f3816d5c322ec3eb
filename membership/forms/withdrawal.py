from django import forms

from membership.models import WithdrawalNotice
from partners.forms import DateInputsMixin


class NoticeForm(DateInputsMixin, forms.ModelForm):
    class Meta:
        model = WithdrawalNotice
        fields = ["received_on", "reference", "scan"]


class MilestonesForm(DateInputsMixin, forms.ModelForm):
    class Meta:
        model = WithdrawalNotice
        fields = ["data_requested_on", "data_delivered_on", "data_confirmed_on"]
