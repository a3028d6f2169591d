//! Writes `examples/demo-snapshot.json`: the mixed and catalogue scenario accounts built in a
//! fresh moto server, collected by rampart's own collector. Run with
//! `cargo run -p rampart-testkit --bin make-example`.

use rampart_testkit::{scenario, Moto};

#[tokio::main]
async fn main() {
    let out = rampart_testkit::moto::workspace_root().join("examples/demo-snapshot.json");
    let moto = Moto::start();
    let cfg = moto.sdk_config().await;
    let mixed = scenario::build_mixed(&cfg).await;
    rampart_testkit::catalogue::build_catalogue(&cfg, &mixed).await;
    // The collector reads credentials from the environment, like the CLI does.
    std::env::set_var("AWS_ACCESS_KEY_ID", "testing");
    std::env::set_var("AWS_SECRET_ACCESS_KEY", "testing");
    std::env::set_var("AWS_REGION", scenario::HOME);
    std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
    let opts = rampart_collect::Options {
        endpoint_url: Some(moto.endpoint()),
        regions: vec![scenario::HOME.into(), scenario::OTHER.into()],
        ..Default::default()
    };
    let inventory = rampart_collect::collect(&opts).await.expect("collect");
    rampart_inventory::save_snapshot(&inventory, &out).expect("write snapshot");
    eprintln!(
        "wrote {} ({} API calls, {} errors)",
        out.display(),
        inventory.stats.total_api_calls(),
        inventory.errors.len()
    );
}
