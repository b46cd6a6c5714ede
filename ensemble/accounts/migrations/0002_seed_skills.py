from django.db import migrations

SKILLS = [
    ("writing", "Writing"),
    ("illustration", "Illustration"),
    ("animation", "Animation"),
    ("music", "Music"),
    ("performance", "Performance"),
    ("voice", "Voice"),
    ("camera", "Camera"),
    ("photography", "Photography"),
    ("editing", "Editing"),
    ("sound", "Sound"),
    ("design", "Design"),
    ("production", "Production"),
    ("translation", "Translation"),
]


def add_skills(apps, schema_editor):
    Skill = apps.get_model("accounts", "Skill")
    for position, (slug, name) in enumerate(SKILLS):
        Skill.objects.update_or_create(slug=slug, defaults={"name": name, "position": position})


def remove_skills(apps, schema_editor):
    Skill = apps.get_model("accounts", "Skill")
    Skill.objects.filter(slug__in=[slug for slug, _ in SKILLS]).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(add_skills, remove_skills)]
