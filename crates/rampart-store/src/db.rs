//! One connection, SQLite or PostgreSQL, behind the few operations the store needs: run a
//! statement, read rows, insert many rows, and transactions. Queries are written once with
//! `?` placeholders (numbered `$1`, `$2`, ... for PostgreSQL) and run as runtime queries.

use crate::StoreError;
use postgres::types::{to_sql_checked, IsNull, ToSql, Type};
use rusqlite::types::{ToSqlOutput, ValueRef};

/// A value bound to a statement or read from a row.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Val {
    Int(i64),
    Text(String),
    /// Text known at build time (a status, a severity): no allocation.
    Static(&'static str),
    Null,
}

impl From<i64> for Val {
    fn from(v: i64) -> Self {
        Val::Int(v)
    }
}
impl From<bool> for Val {
    fn from(v: bool) -> Self {
        Val::Int(v as i64)
    }
}
impl From<&str> for Val {
    fn from(v: &str) -> Self {
        Val::Text(v.to_owned())
    }
}
impl From<String> for Val {
    fn from(v: String) -> Self {
        Val::Text(v)
    }
}
impl<T: Into<Val>> From<Option<T>> for Val {
    fn from(v: Option<T>) -> Self {
        v.map_or(Val::Null, Into::into)
    }
}

impl rusqlite::ToSql for Val {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match self {
            Val::Int(i) => ValueRef::Integer(*i),
            Val::Text(s) => ValueRef::Text(s.as_bytes()),
            Val::Static(s) => ValueRef::Text(s.as_bytes()),
            Val::Null => ValueRef::Null,
        }))
    }
}

impl ToSql for Val {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Val::Int(i) if *ty == Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
            Val::Int(i) => i.to_sql(ty, out),
            Val::Text(s) => s.as_str().to_sql(ty, out),
            Val::Static(s) => s.to_sql(ty, out),
            Val::Null => Ok(IsNull::Yes),
        }
    }

    fn accepts(ty: &Type) -> bool {
        matches!(
            *ty,
            Type::INT8 | Type::INT4 | Type::TEXT | Type::VARCHAR | Type::UNKNOWN
        )
    }

    to_sql_checked!();
}

/// One row read: its values in column order.
#[derive(Debug, Clone)]
pub(crate) struct Row(Vec<Val>);

impl Row {
    pub(crate) fn int(&self, i: usize) -> i64 {
        self.opt_int(i).unwrap_or(0)
    }
    pub(crate) fn opt_int(&self, i: usize) -> Option<i64> {
        match &self.0[i] {
            Val::Int(v) => Some(*v),
            Val::Text(t) => t.parse().ok(),
            Val::Static(t) => t.parse().ok(),
            Val::Null => None,
        }
    }
    pub(crate) fn text(&self, i: usize) -> &str {
        self.opt_text(i).unwrap_or("")
    }
    pub(crate) fn opt_text(&self, i: usize) -> Option<&str> {
        match &self.0[i] {
            Val::Text(t) => Some(t),
            Val::Static(t) => Some(t),
            _ => None,
        }
    }
    pub(crate) fn take_text(&mut self, i: usize) -> Option<String> {
        match std::mem::replace(&mut self.0[i], Val::Null) {
            Val::Text(t) => Some(t),
            _ => None,
        }
    }
}

/// A connection to either back end.
pub(crate) enum Conn {
    Sqlite(rusqlite::Connection),
    Postgres(Box<postgres::Client>),
}

/// `?` placeholders numbered for PostgreSQL (`$1`, `$2`, ...). The store's own SQL has no
/// `?` inside string literals.
fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut n = 0;
    for c in sql.chars() {
        if c == '?' {
            n += 1;
            out.push('$');
            out.push_str(&n.to_string());
        } else {
            out.push(c);
        }
    }
    out
}

fn pg_params(params: &[Val]) -> Vec<&(dyn ToSql + Sync)> {
    params.iter().map(|p| p as &(dyn ToSql + Sync)).collect()
}

fn pg_row(row: &postgres::Row) -> Result<Row, postgres::Error> {
    let mut vals = Vec::with_capacity(row.len());
    for (i, col) in row.columns().iter().enumerate() {
        let ty = col.type_();
        let v = if *ty == Type::INT8 {
            row.try_get::<_, Option<i64>>(i)?
                .map_or(Val::Null, Val::Int)
        } else if *ty == Type::INT4 {
            row.try_get::<_, Option<i32>>(i)?
                .map_or(Val::Null, |v| Val::Int(v.into()))
        } else if *ty == Type::BOOL {
            row.try_get::<_, Option<bool>>(i)?
                .map_or(Val::Null, |v| Val::Int(v.into()))
        } else {
            row.try_get::<_, Option<String>>(i)?
                .map_or(Val::Null, Val::Text)
        };
        vals.push(v);
    }
    Ok(Row(vals))
}

impl Conn {
    /// Whether this is the PostgreSQL back end.
    pub(crate) fn is_postgres(&self) -> bool {
        matches!(self, Conn::Postgres(_))
    }

    /// Run statements without parameters (several, separated by `;`).
    pub(crate) fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        match self {
            Conn::Sqlite(c) => c.execute_batch(sql)?,
            Conn::Postgres(c) => c.batch_execute(sql)?,
        }
        Ok(())
    }

    /// Run one statement; the number of rows it changed.
    pub(crate) fn execute(&mut self, sql: &str, params: &[Val]) -> Result<u64, StoreError> {
        Ok(match self {
            Conn::Sqlite(c) => {
                let mut st = c.prepare_cached(sql)?;
                st.execute(rusqlite::params_from_iter(params.iter()))? as u64
            }
            Conn::Postgres(c) => c.execute(numbered(sql).as_str(), &pg_params(params))?,
        })
    }

    /// Read the rows of a query.
    pub(crate) fn query(&mut self, sql: &str, params: &[Val]) -> Result<Vec<Row>, StoreError> {
        match self {
            Conn::Sqlite(c) => {
                let mut st = c.prepare_cached(sql)?;
                let n = st.column_count();
                let mut rows = st.query(rusqlite::params_from_iter(params.iter()))?;
                let mut out = Vec::new();
                while let Some(r) = rows.next()? {
                    let mut vals = Vec::with_capacity(n);
                    for i in 0..n {
                        vals.push(match r.get_ref(i)? {
                            ValueRef::Integer(v) => Val::Int(v),
                            ValueRef::Text(t) => Val::Text(String::from_utf8_lossy(t).into_owned()),
                            ValueRef::Real(f) => Val::Int(f as i64),
                            ValueRef::Blob(b) => Val::Text(String::from_utf8_lossy(b).into_owned()),
                            ValueRef::Null => Val::Null,
                        });
                    }
                    out.push(Row(vals));
                }
                Ok(out)
            }
            Conn::Postgres(c) => {
                let rows = c.query(numbered(sql).as_str(), &pg_params(params))?;
                Ok(rows.iter().map(pg_row).collect::<Result<_, _>>()?)
            }
        }
    }

    /// The first row of a query, if any.
    pub(crate) fn query_one(
        &mut self,
        sql: &str,
        params: &[Val],
    ) -> Result<Option<Row>, StoreError> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    /// Insert many rows into `table`.
    pub(crate) fn insert_rows(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: impl IntoIterator<Item = Vec<Val>>,
    ) -> Result<(), StoreError> {
        let cols = columns.join(", ");
        let one = format!("({})", vec!["?"; columns.len()].join(", "));
        match self {
            Conn::Sqlite(c) => {
                // Fifty rows per statement: fewer statements to run for the same rows.
                const CHUNK: usize = 50;
                let many = format!(
                    "INSERT INTO {table} ({cols}) VALUES {}",
                    vec![one.as_str(); CHUNK].join(", ")
                );
                let single = format!("INSERT INTO {table} ({cols}) VALUES {one}");
                let mut chunk: Vec<Val> = Vec::with_capacity(CHUNK * columns.len());
                let mut n = 0;
                for row in rows {
                    chunk.extend(row);
                    n += 1;
                    if n == CHUNK {
                        c.prepare_cached(&many)?
                            .execute(rusqlite::params_from_iter(chunk.iter()))?;
                        chunk.clear();
                        n = 0;
                    }
                }
                let mut st = c.prepare_cached(&single)?;
                for row in chunk.chunks(columns.len().max(1)) {
                    st.execute(rusqlite::params_from_iter(row.iter()))?;
                }
            }
            Conn::Postgres(c) => {
                // Many rows per statement: one round trip per thousand rows, not per row.
                const CHUNK: usize = 1000;
                let mut chunk: Vec<Val> = Vec::with_capacity(CHUNK * columns.len());
                let mut n = 0;
                let mut flush = |chunk: &mut Vec<Val>, n: &mut usize| -> Result<(), StoreError> {
                    if *n == 0 {
                        return Ok(());
                    }
                    let sql = format!(
                        "INSERT INTO {table} ({cols}) VALUES {}",
                        vec![one.as_str(); *n].join(", ")
                    );
                    c.execute(numbered(&sql).as_str(), &pg_params(chunk))?;
                    chunk.clear();
                    *n = 0;
                    Ok(())
                };
                for row in rows {
                    chunk.extend(row);
                    n += 1;
                    if n == CHUNK {
                        flush(&mut chunk, &mut n)?;
                    }
                }
                flush(&mut chunk, &mut n)?;
            }
        }
        Ok(())
    }

    /// Insert many rows into `table`; their new ids, in the order of `rows`. (SQLite: the
    /// rowid of each insert; PostgreSQL: `RETURNING id`, which gives the rows of a
    /// multi-row `VALUES` in their order.)
    pub(crate) fn insert_rows_ids(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: Vec<Vec<Val>>,
    ) -> Result<Vec<i64>, StoreError> {
        let cols = columns.join(", ");
        let one = format!("({})", vec!["?"; columns.len()].join(", "));
        let mut ids = Vec::with_capacity(rows.len());
        match self {
            Conn::Sqlite(c) => {
                // In the store's write transaction nothing else inserts, and a rowid table
                // numbers new rows one after the other: the rows of one statement get the
                // ids up to the last one.
                for chunk in rows.chunks(50) {
                    let sql = format!(
                        "INSERT INTO {table} ({cols}) VALUES {}",
                        vec![one.as_str(); chunk.len()].join(", ")
                    );
                    let params: Vec<&Val> = chunk.iter().flatten().collect();
                    c.prepare_cached(&sql)?
                        .execute(rusqlite::params_from_iter(params))?;
                    let last = c.last_insert_rowid();
                    let n = chunk.len() as i64;
                    ids.extend(last - n + 1..=last);
                }
            }
            Conn::Postgres(c) => {
                for chunk in rows.chunks(1000) {
                    let sql = format!(
                        "INSERT INTO {table} ({cols}) VALUES {} RETURNING id",
                        vec![one.as_str(); chunk.len()].join(", ")
                    );
                    let params: Vec<Val> = chunk.iter().flatten().cloned().collect();
                    for r in c.query(numbered(&sql).as_str(), &pg_params(&params))? {
                        ids.push(r.try_get::<_, i64>(0)?);
                    }
                }
            }
        }
        Ok(ids)
    }

    /// The rows of `sql` for every id of `ids`, read 500 ids at a time: `sql` has one `{}`
    /// where the list of placeholders goes, after the placeholders of `before`.
    pub(crate) fn query_ids(
        &mut self,
        sql: &str,
        before: &[Val],
        ids: &[i64],
    ) -> Result<Vec<Row>, StoreError> {
        let mut out = Vec::new();
        for chunk in ids.chunks(500) {
            let sql = sql.replacen("{}", &vec!["?"; chunk.len()].join(", "), 1);
            let mut params = before.to_vec();
            params.extend(chunk.iter().map(|&i| Val::Int(i)));
            out.extend(self.query(&sql, &params)?);
        }
        Ok(out)
    }

    /// `UPDATE table SET column = value WHERE id IN (ids)`, in chunks.
    pub(crate) fn update_ids(
        &mut self,
        table: &str,
        set: &str,
        value: Val,
        ids: &[i64],
    ) -> Result<(), StoreError> {
        for chunk in ids.chunks(500) {
            let sql = format!(
                "UPDATE {table} SET {set} = ? WHERE id IN ({})",
                vec!["?"; chunk.len()].join(", ")
            );
            let mut params = Vec::with_capacity(chunk.len() + 1);
            params.push(value.clone());
            params.extend(chunk.iter().map(|&i| Val::Int(i)));
            self.execute(&sql, &params)?;
        }
        Ok(())
    }

    /// Start a write transaction. SQLite takes the write lock at once (`BEGIN IMMEDIATE`),
    /// so two writers queue instead of failing halfway.
    pub(crate) fn begin(&mut self) -> Result<(), StoreError> {
        match self {
            Conn::Sqlite(_) => self.batch("BEGIN IMMEDIATE"),
            Conn::Postgres(_) => self.batch("BEGIN"),
        }
    }

    /// Commit the transaction.
    pub(crate) fn commit(&mut self) -> Result<(), StoreError> {
        self.batch("COMMIT")
    }

    /// Roll the transaction back (errors ignored: the connection may be gone).
    pub(crate) fn rollback(&mut self) {
        let _ignored = self.batch("ROLLBACK");
    }

    /// Run `f` in a write transaction: committed when it returns Ok, rolled back otherwise.
    pub(crate) fn transaction<T>(
        &mut self,
        f: impl FnOnce(&mut Conn) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.begin()?;
        match f(self) {
            Ok(v) => {
                self.commit()?;
                Ok(v)
            }
            Err(e) => {
                self.rollback();
                Err(e)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_for_postgres() {
        assert_eq!(
            numbered("SELECT a FROM t WHERE b = ? AND c IN (?, ?)"),
            "SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)"
        );
    }
}
