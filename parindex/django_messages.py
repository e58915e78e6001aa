"""Django's own form messages that its Vietnamese catalog leaves empty, declared so the project's catalog
(read before Django's, LOCALE_PATHS) carries their Vietnamese: a NUL pasted into a field, bad JSON in an
admin field or a tampered form would otherwise be refused in English on a Vietnamese page.
Nothing imports this module; makemessages reads it."""

from django.utils.translation import gettext_noop

DJANGO_FORM_MESSAGES = (
    gettext_noop("Null characters are not allowed."),
    gettext_noop("Enter a valid JSON."),
    gettext_noop("Enter a complete value."),
    gettext_noop("Enter a valid “slug” consisting of letters, numbers, underscores or hyphens."),
    gettext_noop("“%(pk)s” is not a valid value."),
    gettext_noop(
        "ManagementForm data is missing or has been tampered with. Missing fields: "
        "%(field_names)s. You may need to file a bug report if the issue persists."
    ),
)
