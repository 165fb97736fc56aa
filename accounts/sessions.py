"""Django's database sessions, read with one plain SQL statement.

Every request reads its session before anything else; building that query through the ORM took
longer than PostgreSQL took to answer it. Writing, expiry and cleanup stay Django's
(``clearsessions``).
"""

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        model = self.model
        meta = model._meta
        connection = connections[router.db_for_read(model)]
        qn = connection.ops.quote_name
        key, data, expire = (
            qn(meta.get_field(name).column)
            for name in ("session_key", "session_data", "expire_date")
        )
        sql = f"SELECT {data}, {expire} FROM {qn(meta.db_table)} WHERE {key} = %s AND {expire} > %s"
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return model(session_key=self.session_key, session_data=row[0], expire_date=row[1])
