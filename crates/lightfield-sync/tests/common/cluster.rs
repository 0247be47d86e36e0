//! A throwaway Postgres cluster for a test: `initdb` into a temporary directory, `postgres`
//! on a free loopback port, killed by pid when dropped. The binaries are Debian's
//! `postgresql` packages; without them a test says why it skips, and under CI
//! (`LIGHTFIELD_REQUIRE_POSTGRES=1`, set by `.ci/run`) it fails instead.
//!
//! Shared by the sync library's suites and the CLI's (`#[path]`): std and tempfile only.

#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running cluster, stopped (killed) when dropped.
pub struct Cluster {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Cluster {
    /// Starts a cluster, or `None` (with the reason on stderr) when Postgres is not
    /// installed and not required.
    pub fn start() -> Option<Cluster> {
        Self::start_with(false)
    }

    /// A cluster that takes TLS connections only (`hostssl` in its pg_hba.conf), its
    /// certificate for `localhost` signed by a CA of its own ([`Cluster::ca_file`]).
    pub fn start_tls() -> Option<Cluster> {
        Self::start_with(true)
    }

    /// The PEM file of the CA that signed a TLS cluster's certificate.
    pub fn ca_file(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    /// The cluster's port.
    pub fn port(&self) -> u16 {
        self.port
    }

    fn start_with(tls: bool) -> Option<Cluster> {
        let Some(bin) = binaries() else {
            let required = std::env::var("LIGHTFIELD_REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
            assert!(
                !required,
                "Postgres is required but not installed: apt-get install postgresql"
            );
            eprintln!(
                "SKIPPED: no Postgres under /usr/lib/postgresql (apt-get install postgresql)"
            );
            return None;
        };
        let root = Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
        let dir = tempfile::tempdir().expect("a temporary directory");
        let data = dir.path().join("data");
        if tls {
            certificates(dir.path());
        }
        if root {
            let owned = Command::new("chown")
                .args(["-R", "postgres"])
                .arg(dir.path())
                .status()
                .expect("chown runs");
            assert!(
                owned.success(),
                "cannot hand the directory to the postgres user"
            );
        }
        let initdb = as_owner(&bin.join("initdb"), root)
            .arg("-D")
            .arg(&data)
            .args(["-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("initdb runs");
        assert!(initdb.success(), "initdb failed");
        let mut settings = vec!["listen_addresses=127.0.0.1".to_string(), "fsync=off".into()];
        if tls {
            std::fs::write(
                data.join("pg_hba.conf"),
                "local all all trust\nhostssl all all 127.0.0.1/32 trust\n",
            )
            .expect("pg_hba.conf");
            let file = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
            settings.extend([
                "ssl=on".into(),
                format!("ssl_cert_file={}", file("server.crt")),
                format!("ssl_key_file={}", file("server.key")),
            ]);
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let child = as_owner(&bin.join("postgres"), root)
            .arg("-D")
            .arg(&data)
            .args(["-p", &port.to_string(), "-k"])
            .arg(dir.path())
            .args(settings.iter().flat_map(|s| ["-c", s.as_str()]))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("postgres starts");
        let cluster = Cluster { child, port, dir };
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "Postgres did not listen within 30 s"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(cluster)
    }

    /// The connection URL of the cluster's `postgres` database.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

/// A CA and a certificate for `localhost` it signed, in `dir` (`ca.pem`, `server.crt`,
/// `server.key`), made by the `openssl` command (installed with Postgres).
fn certificates(dir: &Path) {
    let openssl = |args: &[&str]| {
        let done = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("openssl runs");
        assert!(done.success(), "openssl {args:?} failed");
    };
    let key = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    openssl(
        &[
            &["req", "-x509"],
            &key[..],
            &[
                "-days",
                "2",
                "-subj",
                "/CN=lightfield test CA",
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
            ],
        ]
        .concat(),
    );
    openssl(
        &[
            &["req"],
            &key[..],
            &[
                "-subj",
                "/CN=localhost",
                "-keyout",
                "server.key",
                "-out",
                "server.csr",
            ],
        ]
        .concat(),
    );
    std::fs::write(
        dir.join("server.ext"),
        "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .expect("extensions");
    openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "server.ext",
        "-out",
        "server.crt",
    ]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let private = std::fs::Permissions::from_mode(0o600);
        std::fs::set_permissions(dir.join("server.key"), private).expect("key mode");
    }
}

/// Where `initdb` and `postgres` are: Debian's versioned directory, newest first.
fn binaries() -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|d| d.join("initdb").exists() && d.join("postgres").exists())
        .collect();
    dirs.sort();
    dirs.pop()
}

/// Runs `program` as the `postgres` user when this process is root (Postgres refuses to
/// run as root), as this user otherwise.
fn as_owner(program: &Path, root: bool) -> Command {
    if root {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(program);
        command
    } else {
        Command::new(program)
    }
}
