"""answer counts kept as answers arrive

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 07:00:00.000000

The table feedback.models.AnswerCount describes, filled from the responses and answers
already stored. `fill_sql` is the one set-based recount (also used by bench/ after loading
synthetic answers with COPY); on SQLite a Python function gives each response's UK day,
as SQLite knows no time zones.
"""

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

KEY = ['questionnaire_version_id', 'inspection_id', 'span', 'day', 'channel', 'language',
       'kind', 'question_code', 'value', 'shard']
SHARDS = 8  # feedback.models.COUNT_SHARDS when this revision was written


def upgrade() -> None:
    op.create_table('answer_counts',
    sa.Column('questionnaire_version_id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('span', sa.String(length=1), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('language', sa.String(length=4), nullable=False),
    sa.Column('kind', sa.String(length=1), nullable=False),
    sa.Column('question_code', sa.String(length=60), nullable=False),
    sa.Column('value', sa.String(length=60), nullable=False),
    sa.Column('shard', sa.Integer(), nullable=False),
    sa.Column('n', sa.BigInteger(), nullable=False),
    # PostgreSQL: n in the key's index too, so a period's counts are read from the index alone.
    sa.PrimaryKeyConstraint(*KEY, name=op.f('pk_answer_counts'), postgresql_include=['n'])
    )
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        # Version, inspection, span and kind are far from independent: without these statistics
        # the planner overestimates a period's rows tenfold and compiles the query with JIT.
        op.execute('CREATE STATISTICS answer_counts_facets (dependencies, mcv) '
                   'ON questionnaire_version_id, inspection_id, span, kind FROM answer_counts')
    prepare(bind)
    for statement in fill_sql(bind.dialect.name):
        bind.execute(sa.text(statement))
    if bind.dialect.name == 'postgresql':
        op.execute('ANALYZE answer_counts')


def downgrade() -> None:
    op.drop_table('answer_counts')


_UK = ZoneInfo('Europe/London')


def _uk_day(stored):
    """SQLite: the UK day of a UTC timestamp as SQLAlchemy stores it ('2011-04-01 09:30:00.000000')."""
    if stored is None:
        return None
    moment = datetime.fromisoformat(str(stored).replace('Z', '+00:00'))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(_UK).date().isoformat()


def prepare(bind) -> None:
    """Give SQLite the uk_day() function fill_sql calls (PostgreSQL has time zones)."""
    if bind.dialect.name == 'sqlite':
        bind.connection.driver_connection.create_function('uk_day', 1, _uk_day, deterministic=True)


def fill_sql(dialect: str, where: str = 'TRUE') -> list[str]:
    """Statements that add the counts of the responses matching `where` (over r.*) to answer_counts.

    Run on an empty table (or for responses not yet counted): each adds, it never replaces.
    """
    if dialect == 'postgresql':
        day = "(r.submitted_at AT TIME ZONE 'Europe/London')::date"
        month = "date_trunc('month', r.submitted_at AT TIME ZONE 'Europe/London')::date"
    else:
        day = 'uk_day(r.submitted_at)'
        month = "date(uk_day(r.submitted_at), 'start of month')"
    facts = f"""
        SELECT r.id, r.id % {SHARDS} AS s, r.questionnaire_version_id AS v, COALESCE(r.inspection_id, 0) AS i,
               r.channel AS c, r.language AS l, {day} AS d, {month} AS m
        FROM responses r WHERE {where}"""
    rows = """
        SELECT f.s, f.v, f.i, f.d, f.m, f.c, f.l, 'r' AS kind, '' AS q, '' AS val, 1 AS n FROM f
        UNION ALL
        SELECT f.s, f.v, f.i, f.d, f.m, f.c, f.l, 'a', a.question_code, a.value, 1
        FROM f JOIN answers a ON a.response_id = f.id
        UNION ALL
        SELECT f.s, f.v, f.i, f.d, f.m, f.c, f.l, 'x', e.question_code, '', e.extra
        FROM f JOIN (SELECT response_id, question_code, COUNT(*) - 1 AS extra FROM answers
                     GROUP BY response_id, question_code HAVING COUNT(*) > 1) e
          ON e.response_id = f.id"""
    insert = f"INSERT INTO answer_counts ({', '.join(KEY)}, n)"
    levels = (  # (inspection, span, day) of each set of rows
        ('i', "'m'", 'm'),
        ('-1', "'d'", 'd'),
        ('-1', "'m'", 'm'),
    )
    return [
        f"""{insert}
        WITH f AS ({facts}), base AS ({rows})
        SELECT v, {inspection}, {span}, {when}, c, l, kind, q, val, s, SUM(n)
        FROM base GROUP BY v, {inspection if inspection == 'i' else ''}{', ' if inspection == 'i' else ''}{when}, c, l, kind, q, val, s"""
        for inspection, span, when in levels
    ]
