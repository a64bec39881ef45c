"""The API token page: a person issues tokens for their bots and scripts and revokes them; the secret is shown once."""

from django import forms
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from incidents import actions
from incidents.models import ApiToken, TokenScope


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="what it is for, e.g. “deploy bot”")
    scope = forms.ChoiceField(choices=TokenScope.choices, initial=TokenScope.READ, widget=forms.RadioSelect)
    expires_in_days = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=actions.tokens.MAX_EXPIRY_DAYS,
        label="Expires in (days)",
        help_text="empty: never",
    )


def token_page(request, *, form=None, secret=None, status=200):
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    context = {"tokens": tokens, "form": form or TokenForm(), "secret": secret, "scopes": TokenScope}
    return render(request, "tokens/index.html", context, status=status)


def tokens(request):
    if request.method != "POST":
        return token_page(request)
    form = TokenForm(request.POST)
    if not form.is_valid():
        return token_page(request, form=form, status=400)
    data = form.cleaned_data
    try:
        token, raw = actions.issue_token(
            request.user,
            name=data["name"],
            scope=data["scope"],
            expires_in_days=data["expires_in_days"],
            actor=request.user,
            request=request,
        )
    except actions.ActionError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return token_page(request, form=form, status=400)
    return token_page(request, secret={"token": token, "raw": raw})


@require_POST
def revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    try:
        actions.revoke_token(token, actor=request.user, request=request)
    except actions.ActionError:
        pass  # already revoked: the page shows it so
    return token_page(request)
