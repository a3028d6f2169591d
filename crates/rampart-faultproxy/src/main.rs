//! `rampart-fault-proxy`: the fault-injecting proxy of issue 10 as a command, for benchmarks
//! and scripts. Prints `listening on http://127.0.0.1:PORT` on stdout, then serves until killed.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use rampart_faultproxy::{Config, FaultProxy};

/// A fault-injecting HTTP proxy between the AWS SDK and an AWS emulator, on loopback only.
#[derive(Parser)]
#[command(name = "rampart-fault-proxy", version)]
struct Args {
    /// Where to forward requests, e.g. http://127.0.0.1:5000 (a moto server).
    #[arg(long, value_name = "URL")]
    upstream: String,
    /// Loopback address and port to listen on (port 0: a free port).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// TOML configuration: latency, fault rules and rate limits (default: forward everything).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rampart-fault-proxy: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(args: Args) -> anyhow::Result<()> {
    let config = match &args.config {
        Some(path) => Config::from_toml_file(path)?,
        None => Config::default(),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let proxy = FaultProxy::start_on(args.listen, &args.upstream, config).await?;
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "listening on {}", proxy.url())?;
        stdout.flush()?;
        drop(stdout);
        std::future::pending::<()>().await;
        drop(proxy);
        Ok(())
    })
}
