//! Backup and restore of the SQLite file. (PostgreSQL has its own tools: `pg_dump` makes a
//! consistent copy of a running database; see the README.)
//!
//! A backup is `VACUUM INTO`: one read transaction, so the copy is the database as of one
//! moment while the server goes on writing, compacted, with no WAL beside it.
//!
//! A restore checks everything before it replaces anything: the file must be a SQLite
//! database that passes SQLite's checks and Sanzhi's invariants, made by this release or an
//! earlier one (its applied migrations are all known here, with the same checksums). The
//! copy is migrated to this release, then swapped in while an exclusive lock proves that no
//! server has the database open; the database it replaces is kept beside it.

use crate::{Store, StoreError};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteLockingMode};
use sqlx::{ConnectOptions, Connection};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// Why a backup or restore did not happen (in Chinese: it is shown as is).
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0}")]
    Refused(String),
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("文件操作失败（{path}）：{source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// What a backup holds, for the command's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contents {
    pub plans: i64,
    pub assignments: i64,
    pub reports: i64,
    /// Evidence files (kept in the database, so in every backup).
    pub files: i64,
    pub readings: i64,
    pub users: i64,
}

impl std::fmt::Display for Contents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "方案 {}、分工 {}、进展报告 {}、佐证文件 {}、读数 {}、账号 {}",
            self.plans, self.assignments, self.reports, self.files, self.readings, self.users
        )
    }
}

/// The file behind a `sqlite:` URL.
pub fn sqlite_path(url: &str) -> Result<PathBuf, BackupError> {
    let opts = SqliteConnectOptions::from_str(url).map_err(StoreError::from)?;
    Ok(opts.get_filename().to_owned())
}

impl Store {
    /// Writes a consistent copy of the SQLite database to `out` (which must not exist) and
    /// checks the copy. PostgreSQL: refused, with the `pg_dump` command to use instead.
    pub async fn backup_to(&self, out: &Path) -> Result<Contents, BackupError> {
        let Store::Sqlite(_) = self else {
            return Err(BackupError::Refused(
                "PostgreSQL 数据库请用 pg_dump 备份（服务器运行时也可）：\
                 pg_dump --format=custom --file=sanzhi.dump \"$DATABASE_URL\"；\
                 恢复见 README“备份与恢复”"
                    .into(),
            ));
        };
        if out.exists() {
            return Err(BackupError::Refused(format!(
                "{} 已存在：备份不会覆盖已有文件，请换一个文件名",
                out.display()
            )));
        }
        if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io(dir))?;
        }
        self.vacuum_into(out).await?;
        std::fs::File::open(out)
            .and_then(|f| f.sync_all())
            .map_err(io(out))?;
        let copy = open_file(out, out).await?;
        let checked = checked_contents(&copy, out).await;
        copy.close().await;
        checked
    }

    /// `VACUUM INTO out` (SQLite): a consistent snapshot of the database as a new file.
    async fn vacuum_into(&self, out: &Path) -> Result<(), BackupError> {
        let Store::Sqlite(pool) = self else {
            return Err(BackupError::Refused("仅适用于 SQLite 数据库".into()));
        };
        let target = out
            .to_str()
            .ok_or_else(|| BackupError::Refused(format!("{}：路径须为 UTF-8", out.display())))?;
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(pool)
            .await
            .map_err(StoreError::from)?;
        Ok(())
    }

    /// Counts of what the database holds.
    pub async fn contents(&self) -> Result<Contents, StoreError> {
        let count = |table: &'static str| async move {
            let sql = format!("SELECT CAST(count(*) AS BIGINT) FROM {table}");
            match self {
                Store::Sqlite(p) => sqlx::query_scalar::<_, i64>(&sql).fetch_one(p).await,
                Store::Postgres(p) => sqlx::query_scalar::<_, i64>(&sql).fetch_one(p).await,
            }
        };
        Ok(Contents {
            plans: count("plans").await?,
            assignments: count("assignments").await?,
            reports: count("progress_reports").await?,
            files: count("report_files").await?,
            readings: count("readings").await?,
            users: count("users").await?,
        })
    }

    /// Migrations recorded in the database that this build does not have, or has with other
    /// contents: a database from a later release (or a changed migration).
    pub async fn unknown_migrations(&self) -> Result<Vec<String>, StoreError> {
        let applied: Vec<(i64, Vec<u8>)> = match self {
            Store::Sqlite(p) => {
                sqlx::query_as("SELECT version, checksum FROM _sqlx_migrations ORDER BY version")
                    .fetch_all(p)
                    .await?
            }
            Store::Postgres(p) => {
                sqlx::query_as("SELECT version, checksum FROM _sqlx_migrations ORDER BY version")
                    .fetch_all(p)
                    .await?
            }
        };
        let known = match self {
            Store::Sqlite(_) => sqlx::migrate!("../../migrations/sqlite"),
            Store::Postgres(_) => sqlx::migrate!("../../migrations/postgres"),
        };
        Ok(applied
            .into_iter()
            .filter_map(
                |(version, checksum)| match known.iter().find(|m| m.version == version) {
                    None => Some(format!(
                        "迁移 {version} 不属于本版本（备份来自更新的版本？）"
                    )),
                    Some(m) if *m.checksum != checksum[..] => Some(format!(
                        "迁移 {version}（{}）的内容与本版本不同",
                        m.description
                    )),
                    Some(_) => None,
                },
            )
            .collect())
    }
}

/// Opens a SQLite file that must already exist; messages call it `shown`.
async fn open_file(path: &Path, shown: &Path) -> Result<Store, BackupError> {
    if !path.is_file() {
        return Err(BackupError::Refused(format!(
            "{} 不存在或不是文件",
            shown.display()
        )));
    }
    let url = format!("sqlite:{}", path.display());
    Store::connect(&url).await.map_err(|e| {
        BackupError::Refused(format!(
            "{} 不是三治的数据库，或已损坏：{e}",
            shown.display()
        ))
    })
}

/// The contents of a copy that passes every check; a refusal naming what is wrong otherwise.
async fn checked_contents(store: &Store, path: &Path) -> Result<Contents, BackupError> {
    let name = path.display();
    let not_ours =
        |e: StoreError| BackupError::Refused(format!("{name} 不是三治的数据库，或已损坏：{e}"));
    let problems = store.integrity_problems().await.map_err(not_ours)?;
    if !problems.is_empty() {
        return Err(BackupError::Refused(format!(
            "{name} 未通过完整性检查：{}",
            problems.join("；")
        )));
    }
    let unknown = store.unknown_migrations().await.map_err(not_ours)?;
    if !unknown.is_empty() {
        return Err(BackupError::Refused(format!(
            "{name} 不能用本版本恢复：{}",
            unknown.join("；")
        )));
    }
    store.contents().await.map_err(not_ours)
}

/// What a restore did.
#[derive(Debug, Clone)]
pub struct Restored {
    pub contents: Contents,
    /// Where the database that was replaced was kept (none when there was none).
    pub previous: Option<PathBuf>,
}

/// Replaces the SQLite database at `live` with the backup at `from`, after checking the
/// backup and migrating a copy of it. Refused, changing nothing, when the backup fails a
/// check or a server (or anything else) has the database open.
pub async fn restore_sqlite(
    live: &Path,
    from: &Path,
    stamp: &str,
) -> Result<Restored, BackupError> {
    if !from.is_file() {
        return Err(BackupError::Refused(format!(
            "备份文件 {} 不存在或不是文件",
            from.display()
        )));
    }
    let dir = live
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let name = live
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| BackupError::Refused(format!("{}：不是数据库文件名", live.display())))?;

    // 1. A working copy beside the live file, checked and migrated; the backup itself is
    //    only read. From the migrated copy, `VACUUM INTO` writes the file that is swapped in:
    //    one consistent snapshot with everything in the file itself (no WAL beside it),
    //    written by reading only — whatever connection of the copy's pool is still letting
    //    go of it (a journal-mode change needed the copy to itself, and under load a closing
    //    pool's connection could hold it for seconds).
    let work = dir.join(format!("{name}.restore-{stamp}"));
    let ready = dir.join(format!("{name}.restore-{stamp}.ready"));
    let result = async {
        std::fs::copy(from, &work).map_err(io(&work))?;
        let copy = open_file(&work, from).await?;
        let checked = async {
            checked_contents(&copy, from).await?;
            copy.migrate().await?;
            let contents = checked_contents(&copy, from).await?;
            copy.vacuum_into(&ready).await?;
            Ok::<_, BackupError>(contents)
        }
        .await;
        copy.close().await;
        let contents = checked?;
        for suffix in ["-wal", "-shm"] {
            let side = dir.join(format!("{name}.restore-{stamp}.ready{suffix}"));
            if side.exists() {
                return Err(BackupError::Refused(format!(
                    "{} 未能收尾（{suffix} 仍在）",
                    ready.display()
                )));
            }
        }
        std::fs::File::open(&ready)
            .and_then(|f| f.sync_all())
            .map_err(io(&ready))?;
        Ok(contents)
    }
    .await;
    remove_with_sidecars(&work);
    let contents = match result {
        Ok(c) => c,
        Err(e) => {
            remove_with_sidecars(&ready);
            return Err(e);
        }
    };

    // 2. The swap, under an exclusive lock on the live database: no server may have it open.
    let swapped = swap_in(live, &ready, dir, name, stamp).await;
    if swapped.is_err() {
        remove_with_sidecars(&ready);
    }
    Ok(Restored {
        contents,
        previous: swapped?,
    })
}

fn remove_with_sidecars(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

async fn swap_in(
    live: &Path,
    work: &Path,
    dir: &Path,
    name: &str,
    stamp: &str,
) -> Result<Option<PathBuf>, BackupError> {
    if !live.exists() {
        std::fs::rename(work, live).map_err(io(live))?;
        sync_dir(dir)?;
        return Ok(None);
    }
    let in_use = || {
        BackupError::Refused(format!(
            "{} 正被使用（服务器仍在运行？）：请先停止服务器再恢复",
            live.display()
        ))
    };
    let busy = |e: sqlx::Error| {
        let e = StoreError::from(e);
        if e.is_busy() {
            in_use()
        } else {
            e.into()
        }
    };
    let mut lock = SqliteConnectOptions::new()
        .filename(live)
        .journal_mode(SqliteJournalMode::Wal)
        .locking_mode(SqliteLockingMode::Exclusive)
        // A process that is closing the database (a server stopping) lets go within this;
        // a running server does not.
        .busy_timeout(std::time::Duration::from_secs(3))
        .connect()
        .await
        .map_err(busy)?;
    // With the exclusive locking mode the lock is kept until the connection closes once the
    // connection has written (hence the no-op write). A server holding the database open
    // makes it fail.
    if let Err(e) = sqlx::raw_sql("BEGIN EXCLUSIVE; UPDATE data_version SET n = n; COMMIT;")
        .execute(&mut lock)
        .await
    {
        let _ = lock.close().await;
        return Err(busy(e));
    }
    // Everything of the old database into its file, then a copy of it kept beside.
    let kept = dir.join(format!("{name}.before-restore-{stamp}"));
    let kept_str = kept
        .to_str()
        .ok_or_else(|| BackupError::Refused(format!("{}：路径须为 UTF-8", kept.display())))?
        .to_owned();
    let prepared = async {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&mut lock)
            .await?;
        sqlx::query("VACUUM INTO $1")
            .bind(&kept_str)
            .execute(&mut lock)
            .await
    }
    .await;
    if let Err(e) = prepared {
        let _ = lock.close().await;
        return Err(busy(e));
    }
    std::fs::File::open(&kept)
        .and_then(|f| f.sync_all())
        .map_err(io(&kept))?;
    // Closing the last connection leaves the old database whole in its one file (the WAL
    // was checkpointed and is removed). From here to the rename a server starting up could
    // open the old file: the README says to stop the server, and the check above refuses a
    // running one.
    lock.close().await.map_err(StoreError::from)?;
    std::fs::rename(work, live).map_err(io(live))?;
    // A WAL beside the restored file would be read into it: none may be left.
    for suffix in ["-wal", "-shm"] {
        let side = dir.join(format!("{name}{suffix}"));
        if side.exists() {
            std::fs::remove_file(&side).map_err(io(&side))?;
        }
    }
    sync_dir(dir)?;
    Ok(Some(kept))
}

fn sync_dir(dir: &Path) -> Result<(), BackupError> {
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io(dir))
}
