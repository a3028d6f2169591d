//! End-to-end scans of accounts built in moto through the AWS SDK: the real collectors, the
//! real binary, findings checked resource by resource (issue 2).

mod common;

use common::*;
use rampart_testkit::scenario::{self, HOME, OTHER};
use rampart_testkit::Moto;

const REGIONS: &str = "us-east-1,eu-west-1";

// Issue 2, "Done when": every check gives the right PASS and FAIL on the right resources,
// with no FAIL on resources built to pass.
#[test]
fn mixed_account_findings_resource_by_resource() {
    let moto = Moto::start();
    let m = block_on(async { scenario::build_mixed(&moto.sdk_config().await).await });
    let run = rampart(
        &[
            "scan",
            "--region",
            REGIONS,
            "--format",
            "json",
            "--fail-on",
            "high",
        ],
        &moto.env(),
    );
    assert_eq!(run.code, 1, "high findings fail the scan: {}", run.stderr);
    let r = run.json();
    assert_eq!(r["account_id"], m.account.as_str());
    assert_eq!(
        r["regions_scanned"],
        serde_json::json!([OTHER, HOME]),
        "sorted"
    );

    // IAM.
    let root = format!("arn:aws:iam::{}:root", m.account);
    assert_status(&r, "iam_root_access_keys", &root, "PASS");
    assert_status(&r, "iam_password_policy_length", &root, "FAIL");
    assert_status(&r, "iam_password_policy_reuse", &root, "FAIL");
    assert_status(&r, "iam_password_policy_complexity", &root, "FAIL");
    assert_status(&r, "iam_user_console_mfa", ":user/alice", "FAIL");
    assert_status(&r, "iam_user_console_mfa", ":user/bob", "PASS");
    assert_status(&r, "iam_user_multiple_active_keys", ":user/carol", "FAIL");
    assert_status(&r, "iam_user_multiple_active_keys", ":user/dave", "PASS");
    assert_status(&r, "iam_user_direct_policies", ":user/carol", "FAIL");
    assert_status(&r, "iam_user_direct_policies", ":user/alice", "PASS");
    assert_status(&r, "iam_access_key_rotation", ":user/dave", "PASS");
    assert_status(&r, "iam_unused_credentials", ":user/dave", "PASS");
    assert_status(&r, "iam_admin_star_policies", ":policy/full-admin", "FAIL");
    assert_status(&r, "iam_admin_star_policies", ":policy/read-s3", "PASS");
    assert_status(
        &r,
        "iam_admin_star_policies",
        ":role/app-role/inline/everything",
        "FAIL",
    );

    // Instances.
    for (check, good, bad) in [
        ("ec2_instance_profile_attached", "PASS", "FAIL"),
        ("ec2_imdsv2_required", "PASS", "FAIL"),
        ("ec2_instance_public_ip", "PASS", "FAIL"),
        ("ec2_user_data_secrets", "PASS", "FAIL"),
    ] {
        assert_status(&r, check, &m.instance_good, good);
        assert_status(&r, check, &m.instance_bad, bad);
    }
    // The planted key is named redacted, never in full, anywhere in the report.
    let secret = finding(&r, "ec2_user_data_secrets", &m.instance_bad);
    assert!(
        secret["reason"].as_str().unwrap().contains("AKIA"),
        "{secret}"
    );
    assert!(!run.stdout.contains(scenario::PLANTED_KEY_ID));
    assert!(!run
        .stdout
        .contains("q8Zr3Lx9Pw2Kd7Vn5Tb1Hs4Jc6Mf0Ya8Ue2Gi5Ro"));

    // Security groups, each failing exactly the check it was built for.
    let sg_checks = [
        "ec2_sg_ssh_open_to_world",
        "ec2_sg_rdp_open_to_world",
        "ec2_sg_database_ports_open_to_world",
        "ec2_sg_all_ports_open_to_world",
    ];
    let expect_fail = [
        (&m.sg_ssh_world, "ec2_sg_ssh_open_to_world"),
        (&m.sg_rdp_world_v6, "ec2_sg_rdp_open_to_world"),
        (&m.sg_db_world, "ec2_sg_database_ports_open_to_world"),
    ];
    for (sg, failing) in expect_fail {
        for check in sg_checks {
            let want = if check == failing { "FAIL" } else { "PASS" };
            assert_status(&r, check, sg, want);
        }
    }
    // Every port open fails every port check.
    for check in sg_checks {
        assert_status(&r, check, &m.sg_all_world, "FAIL");
        assert_status(&r, check, &m.sg_web, "PASS");
        assert_status(&r, check, &m.sg_internal_ssh, "PASS");
    }
    // The SSH group guards the bad instance, which the internet cannot reach (its subnet's
    // route table has no route to the attached internet gateway): still FAIL, one step
    // lower, saying why. The RDP group guards nothing.
    let ssh = finding(&r, "ec2_sg_ssh_open_to_world", &m.sg_ssh_world);
    assert_eq!(ssh["severity"], "medium", "{ssh}");
    assert!(
        ssh["reason"]
            .as_str()
            .unwrap()
            .contains("not reachable from the internet"),
        "{ssh}"
    );
    assert_eq!(
        finding(&r, "ec2_sg_rdp_open_to_world", &m.sg_rdp_world_v6)["severity"],
        "low"
    );

    // Network.
    assert_status(&r, "vpc_nacl_admin_ports_open", &m.nacl_open, "FAIL");
    assert_status(&r, "vpc_nacl_admin_ports_open", &m.nacl_locked, "PASS");
    assert_status(&r, "vpc_subnet_auto_public_ip", &m.subnet_public, "FAIL");
    assert_status(&r, "vpc_subnet_auto_public_ip", &m.subnet_private, "PASS");
    assert_status(&r, "vpc_flow_logs_enabled", &m.vpc_logged, "PASS");
    let default_vpcs: Vec<_> = findings(&r)
        .iter()
        .filter(|f| {
            f["check_id"] == "vpc_flow_logs_enabled" && f["resource"] != m.vpc_logged.as_str()
        })
        .filter(|f| !f["resource"].as_str().unwrap().ends_with(&m.vpc_logged))
        .collect();
    assert!(!default_vpcs.is_empty());
    assert!(
        default_vpcs.iter().all(|f| f["status"] == "FAIL"),
        "{default_vpcs:#?}"
    );
    assert_status(
        &r,
        "ec2_ebs_default_encryption",
        &format!(":{HOME}:"),
        "PASS",
    );
    assert_status(
        &r,
        "ec2_ebs_default_encryption",
        &format!(":{OTHER}:"),
        "FAIL",
    );

    // Detection and logging.
    assert_status(&r, "guardduty_enabled", &m.detector_home, "PASS");
    assert_status(&r, "guardduty_enabled", &m.detector_other, "FAIL");
    assert_status(&r, "guardduty_findings_routed", &m.detector_home, "PASS");
    assert_status(&r, "cloudtrail_multi_region_logging", &root, "PASS");
    for check in [
        "cloudtrail_logging",
        "cloudtrail_log_file_validation",
        "cloudtrail_kms_encryption",
        "cloudtrail_cloudwatch_logs",
    ] {
        assert_status(&r, check, &m.trail_good_arn, "PASS");
        assert_status(&r, check, &m.trail_weak_arn, "FAIL");
    }
    assert_status(&r, "config_recorder_enabled", &format!(":{HOME}:"), "PASS");
    assert_status(&r, "config_recorder_enabled", &format!(":{OTHER}:"), "FAIL");

    // Nothing was denied, so nothing is ERROR but what moto cannot serve, and every
    // finding has a stable id.
    assert_only_unserved_errors(&r);
    assert!(r["collection"]["api_calls"]["ec2"].as_u64().unwrap() > 10);

    // The same account scanned again gives the same finding ids.
    let again = rampart(
        &["scan", "--region", REGIONS, "--format", "json"],
        &moto.env(),
    )
    .json();
    let ids = |r: &serde_json::Value| {
        let mut v: Vec<String> = findings(r)
            .iter()
            .map(|f| f["id"].as_str().unwrap().to_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(ids(&r), ids(&again));
}

// CIS 2.8, 2.9: a policy that meets the benchmark passes.
#[test]
fn strong_password_policy_passes() {
    let moto = Moto::start();
    block_on(async { scenario::strong_password_policy(&moto.sdk_config().await).await });
    let run = rampart(
        &[
            "scan",
            "--region",
            HOME,
            "--services",
            "iam",
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
        &moto.env(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let r = run.json();
    for check in [
        "iam_password_policy_length",
        "iam_password_policy_reuse",
        "iam_password_policy_complexity",
    ] {
        assert_status(&r, check, ":root", "PASS");
    }
    // --services iam ran IAM checks only.
    assert!(findings(&r)
        .iter()
        .all(|f| f["check_id"].as_str().unwrap().starts_with("iam_")));
}

// Issue 2: a scan with credentials denied some APIs finishes, reports ERROR for what it
// could not read, never PASS, and exits by its findings.
#[test]
fn partial_permissions_give_errors_not_passes() {
    let moto = Moto::start();
    let (m, keys) = block_on(async {
        let cfg = moto.sdk_config().await;
        let m = scenario::build_mixed(&cfg).await;
        let keys = scenario::limited_auditor(
            &cfg,
            &[
                "sts:GetCallerIdentity",
                "iam:Get*",
                "iam:List*",
                "iam:GenerateCredentialReport",
                "ec2:DescribeRegions",
                "ec2:DescribeVpcs",
                "ec2:DescribeSubnets",
                "ec2:DescribeInstances",
                "ec2:DescribeInstanceAttribute",
            ],
        )
        .await;
        (m, keys)
    });
    moto.enforce_iam();
    let env = moto.env_as(keys);
    let run = rampart(&["scan", "--region", HOME, "--format", "json"], &env);
    assert_eq!(
        run.code, 1,
        "exits by its (failing) findings: {}",
        run.stderr
    );
    let r = run.json();

    // Allowed reads still give real verdicts.
    assert_status(&r, "iam_user_console_mfa", ":user/alice", "FAIL");
    assert_status(&r, "iam_user_console_mfa", ":user/bob", "PASS");
    assert_status(&r, "ec2_imdsv2_required", &m.instance_bad, "FAIL");
    assert_status(&r, "vpc_subnet_auto_public_ip", &m.subnet_public, "FAIL");

    // Denied reads are ERROR with the reason, for every check that needed them. moto
    // rejects the signature of REST-JSON calls (GuardDuty) once IAM is enforced, so that
    // denial reads SignatureDoesNotMatch (HTTP 403); the others are AccessDenied.
    for (check, api, code) in [
        (
            "ec2_sg_ssh_open_to_world",
            "ec2:DescribeSecurityGroups",
            "AccessDenied",
        ),
        (
            "vpc_nacl_admin_ports_open",
            "ec2:DescribeNetworkAcls",
            "AccessDenied",
        ),
        (
            "vpc_flow_logs_enabled",
            "ec2:DescribeFlowLogs",
            "AccessDenied",
        ),
        (
            "ec2_ebs_default_encryption",
            "ec2:GetEbsEncryptionByDefault",
            "AccessDenied",
        ),
        (
            "guardduty_enabled",
            "guardduty:ListDetectors",
            "SignatureDoesNotMatch",
        ),
        (
            "config_recorder_enabled",
            "config:DescribeConfigurationRecorders",
            "AccessDenied",
        ),
        (
            "cloudtrail_multi_region_logging",
            "cloudtrail:DescribeTrails",
            "AccessDenied",
        ),
    ] {
        let of_check: Vec<_> = findings(&r)
            .iter()
            .filter(|f| f["check_id"] == check)
            .collect();
        assert!(!of_check.is_empty(), "{check} reported nothing");
        for f in of_check {
            assert_eq!(f["status"], "ERROR", "{check}: {f}");
            let reason = f["reason"].as_str().unwrap();
            assert!(
                reason.contains(api) && reason.contains(code),
                "{check}: {reason}"
            );
        }
    }
    let gaps = r["collection_errors"].as_array().unwrap();
    assert!(
        gaps.iter()
            .any(|g| g["api"] == "ec2:DescribeSecurityGroups" && g["code"] == "AccessDenied"),
        "{gaps:#?}"
    );
    assert!(
        gaps.iter().any(|g| g["api"] == "guardduty:ListDetectors"),
        "{gaps:#?}"
    );

    // The text report names the gaps too.
    let text = rampart(
        &[
            "scan",
            "--region",
            HOME,
            "--checks",
            "ec2_sg_ssh_open_to_world",
        ],
        &env,
    );
    assert!(text.stdout.contains("AccessDenied"), "{}", text.stdout);
}

// Issue 2: collect once, evaluate offline again and again with the same result.
#[test]
fn collect_then_scan_snapshot_offline() {
    let moto = Moto::start();
    block_on(async { scenario::build_mixed(&moto.sdk_config().await).await });
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snap.json");
    let snap_s = snap.to_str().unwrap();
    let collected = rampart(
        &["collect", "--region", REGIONS, "--out", snap_s],
        &moto.env(),
    );
    assert_eq!(collected.code, 0, "{}", collected.stderr);
    let live = rampart(
        &["scan", "--region", REGIONS, "--format", "json"],
        &moto.env(),
    )
    .json();
    drop(moto);
    // No server, no credentials: the snapshot alone.
    let offline = rampart(&["scan", "--snapshot", snap_s, "--format", "json"], &[]).json();
    let key = |r: &serde_json::Value| {
        let mut v: Vec<(String, String)> = findings(r)
            .iter()
            .map(|f| {
                (
                    f["id"].as_str().unwrap().to_owned(),
                    f["status"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(key(&live), key(&offline));
    // The snapshot holds no secret from user data.
    let text = std::fs::read_to_string(&snap).unwrap();
    assert!(!text.contains(scenario::PLANTED_KEY_ID));
}

// Issue 2: every enabled region is read when no --region is given.
#[test]
fn every_enabled_region_by_default() {
    let moto = Moto::start();
    let run = rampart(
        &[
            "scan",
            "--services",
            "guardduty",
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
        &moto.env(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let r = run.json();
    let scanned = r["regions_scanned"].as_array().unwrap();
    assert!(scanned.len() >= 15, "{scanned:?}");
    assert!(scanned.iter().any(|s| s == "ap-southeast-2"));
    // One guardduty_enabled finding per region scanned, all FAIL (no detectors).
    let gd: Vec<_> = findings(&r)
        .iter()
        .filter(|f| f["check_id"] == "guardduty_enabled")
        .collect();
    assert_eq!(gd.len(), scanned.len());
    assert!(gd.iter().all(|f| f["status"] == "FAIL"));
}

// Issue 2, exit code 2: nothing could be scanned (no credentials, dead endpoint).
#[test]
fn unreachable_endpoint_or_no_credentials_exit_2() {
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = dead.local_addr().unwrap().port();
    drop(dead);
    let env = vec![
        ("AWS_ACCESS_KEY_ID".to_owned(), "testing".to_owned()),
        ("AWS_SECRET_ACCESS_KEY".to_owned(), "testing".to_owned()),
        ("AWS_REGION".to_owned(), "us-east-1".to_owned()),
        ("AWS_MAX_ATTEMPTS".to_owned(), "1".to_owned()),
    ];
    let url = format!("http://127.0.0.1:{port}");
    let run = rampart(&["scan", "--endpoint-url", &url], &env);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("cannot identify the AWS account"),
        "{}",
        run.stderr
    );
    // rampart's own hint stays a line of its own; only data is escaped.
    assert!(
        run.stderr.lines().any(|l| l.starts_with("hint: ")),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());

    let moto = Moto::start();
    let no_creds = vec![
        ("AWS_REGION".to_owned(), "us-east-1".to_owned()),
        ("AWS_ENDPOINT_URL".to_owned(), moto.endpoint()),
    ];
    let run = rampart(&["scan"], &no_creds);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("no credentials found"),
        "{}",
        run.stderr
    );
}

// Issue 9, defect 2: a mistyped, empty or not enabled region, a region both requested and
// excluded, or nothing left to scan is exit 2 with the enabled regions listed, never a scan
// of nothing that passes.
#[test]
fn unknown_or_conflicting_regions_exit_2_with_the_enabled_ones() {
    let moto = Moto::start();
    let cases: [&[&str]; 5] = [
        &["--region", "us-est-1"],
        &["--region", "mars-1,us-east-1"],
        &["--region", ""],
        // moto lists ap-east-1 as an opt-in region the account has not opted in to.
        &["--region", "ap-east-1"],
        &["--region", "eu-west-1", "--exclude-region", "eu-west-1"],
    ];
    for args in cases {
        let mut argv = vec!["scan", "--services", "guardduty", "--format", "json"];
        argv.extend_from_slice(args);
        let run = rampart(&argv, &moto.env());
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("regions enabled for this account: ")
                && run.stderr.contains("us-east-1")
                && run.stderr.contains("eu-west-1"),
            "{args:?}: {}",
            run.stderr
        );
        assert!(run.stdout.is_empty(), "{args:?}: no report: {}", run.stdout);
    }
    let run = rampart(
        &["scan", "--region", "us-est-1", "--format", "json"],
        &moto.env(),
    );
    assert!(run.stderr.contains("'us-est-1'"), "{}", run.stderr);
    let run = rampart(
        &[
            "scan",
            "--region",
            "us-east-1",
            "--exclude-region",
            "us-east-1,eu-west-1",
        ],
        &moto.env(),
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("both requested"), "{}", run.stderr);
}

// Issue 9: "anything read" comes from the calls that succeeded, so a healthy account with
// nothing in the selected services is read (exit 0), not "nothing could be read" (exit 2).
#[test]
fn services_with_nothing_in_them_are_read() {
    let moto = Moto::start();
    for service in ["efs", "sns", "ecs", "ssm", "cloudformation"] {
        let run = rampart(
            &[
                "scan",
                "--services",
                service,
                "--region",
                HOME,
                "--format",
                "json",
            ],
            &moto.env(),
        );
        assert_eq!(run.code, 0, "--services {service}: {}", run.stderr);
        assert!(
            !findings(&run.json()).iter().any(|f| f["status"] == "ERROR"),
            "--services {service}: {}",
            run.stdout
        );
    }
}

// Issue 9, defect 5: a 70,000-character Lambda function name (the SDK panicked building
// GetPolicy's URI, exit 101 and no report) is a gap on that function; the scan goes on.
#[test]
fn over_long_function_name_is_a_gap_not_a_crash() {
    let moto = Moto::start();
    let name = block_on(async {
        rampart_testkit::breaking::lambda_with_long_name(&moto.sdk_config().await, 70_000).await
    });
    let run = rampart(
        &[
            "scan",
            "--services",
            "lambda",
            "--region",
            HOME,
            "--format",
            "json",
        ],
        &moto.env(),
    );
    assert!(
        run.code == 0 || run.code == 1,
        "exit {}: {}",
        run.code,
        run.stderr
    );
    let r = run.json();
    let f = finding(&r, "lambda_function_policy_public", &name);
    assert_eq!(f["status"], "ERROR", "{}", f["reason"]);
    let reason = f["reason"].as_str().unwrap();
    assert!(reason.contains("SdkPanic on lambda:GetPolicy"), "{reason}");
}

// Issue 9, defect 9: environment variable names holding line breaks do not shift where a
// secret is reported: every match names the variable that holds it.
#[test]
fn ecs_secrets_are_placed_by_variable_not_by_line() {
    let moto = Moto::start();
    block_on(async {
        rampart_testkit::breaking::ecs_env_names_with_line_breaks(&moto.sdk_config().await).await
    });
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snap.json");
    let run = rampart(
        &["collect", "--region", HOME, "--out", snap.to_str().unwrap()],
        &moto.env(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let inv: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&snap).unwrap()).unwrap();
    let defs = inv["regional"][HOME]["ecs"]["task_definitions"]["ok"]
        .as_array()
        .unwrap();
    let def = defs
        .iter()
        .find(|d| d["family"] == "line-breaks")
        .expect("the task definition");
    let container = &def["containers"]["ok"][0];
    let keys = container["environment_keys"].as_array().unwrap();
    let secrets = container["environment"]["secrets"].as_array().unwrap();
    assert!(
        !secrets.is_empty(),
        "the planted token is found: {container}"
    );
    for s in secrets {
        let line = s["line"].as_u64().unwrap() as usize;
        assert_eq!(
            keys.get(line - 1),
            Some(&"GITHUB_TOKEN".into()),
            "{s} in {keys:?}"
        );
    }
}

// Issue 9, defect 8: a secret in an EC2 tag value is never kept verbatim in a snapshot; the
// tag holds the redacted value and the detector's match.
#[test]
fn ec2_tag_secrets_are_kept_redacted() {
    let moto = Moto::start();
    let (vpc, sg) = block_on(async {
        rampart_testkit::breaking::ec2_tags_with_secrets(&moto.sdk_config().await).await
    });
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snap.json");
    let run = rampart(
        &["collect", "--region", HOME, "--out", snap.to_str().unwrap()],
        &moto.env(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(&snap).unwrap();
    assert!(!text.contains(rampart_testkit::catalogue::PLANTED_GITHUB_TOKEN));
    let inv: serde_json::Value = serde_json::from_str(&text).unwrap();
    let ec2 = &inv["regional"][HOME]["ec2"];
    for (list, id_field, id) in [("vpcs", "id", &vpc), ("security_groups", "id", &sg)] {
        let resource = ec2[list]["ok"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r[id_field] == id.as_str())
            .unwrap_or_else(|| panic!("{id} in {list}"));
        let tags = resource["tags"].as_array().unwrap();
        let token = tags.iter().find(|t| t["key"] == "deploy-token").unwrap();
        assert!(
            token["value"].as_str().unwrap().starts_with("<redacted: "),
            "{token}"
        );
        assert!(!token["secrets"].as_array().unwrap().is_empty(), "{token}");
        let name = tags.iter().find(|t| t["key"] == "Name").unwrap();
        assert!(name.get("secrets").is_none(), "{name}");
    }
    // ...and flagged by ec2_tag_secrets, named by the tag's key, the value never shown.
    let scan = rampart(
        &[
            "scan",
            "--snapshot",
            snap.to_str().unwrap(),
            "--checks",
            "ec2_tag_secrets",
            "--format",
            "json",
        ],
        &moto.env(),
    );
    assert_eq!(scan.code, 1, "{}", scan.stderr);
    assert!(!scan
        .stdout
        .contains(rampart_testkit::catalogue::PLANTED_GITHUB_TOKEN));
    let report: serde_json::Value = serde_json::from_str(&scan.stdout).unwrap();
    for id in [&vpc, &sg] {
        let finding = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["resource"].as_str().unwrap().ends_with(id.as_str()))
            .unwrap_or_else(|| panic!("a finding on {id}"));
        assert_eq!(finding["status"], "FAIL", "{finding}");
        assert!(
            finding["reason"]
                .as_str()
                .unwrap()
                .contains("tag deploy-token"),
            "{finding}"
        );
    }
}

// Issue 9: one rule for per-item failures, item by item. A launch template whose version,
// or a task definition family whose definition, cannot be read stays listed, and its checks
// give ERROR on that item (before, the whole region's list was blanked).
#[test]
fn per_item_failures_are_gaps_on_their_items() {
    let moto = Moto::start();
    let (template, keys) = block_on(async {
        let cfg = moto.sdk_config().await;
        let template = rampart_testkit::breaking::launch_template(&cfg).await;
        rampart_testkit::breaking::ecs_env_names_with_line_breaks(&cfg).await;
        let keys = scenario::limited_auditor(
            &cfg,
            &[
                "sts:GetCallerIdentity",
                "ec2:DescribeRegions",
                "ec2:DescribeLaunchTemplates",
                "ecs:ListTaskDefinitionFamilies",
            ],
        )
        .await;
        (template, keys)
    });
    moto.enforce_iam();
    let env = moto.env_as(keys);
    let run = rampart(
        &[
            "scan",
            "--checks",
            "ec2_launch_template_imdsv2,ec2_launch_template_secrets,ecs_task_definition_secrets",
            "--region",
            HOME,
            "--format",
            "json",
        ],
        &env,
    );
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    let r = run.json();
    for (check, resource, api) in [
        (
            "ec2_launch_template_imdsv2",
            template.as_str(),
            "ec2:DescribeLaunchTemplateVersions",
        ),
        (
            "ec2_launch_template_secrets",
            template.as_str(),
            "ec2:DescribeLaunchTemplateVersions",
        ),
        (
            "ecs_task_definition_secrets",
            "task-definition/line-breaks",
            "ecs:DescribeTaskDefinition",
        ),
    ] {
        let f = finding(&r, check, resource);
        assert_eq!(f["status"], "ERROR", "{f}");
        assert!(f["reason"].as_str().unwrap().contains(api), "{f}");
    }
}

/// `AKIA************WXYZ`: a key id as reasons show it.
fn redacted(key: &str) -> String {
    format!("{}{}{}", &key[..4], "*".repeat(12), &key[16..])
}

/// A key id of no account (base32, not an example key).
const FOREIGN_KEY: &str = "AKIAQW3RTY7UIOP2ASDF";

// Issue 10: a scan of an account whose 12 users all have keys asks IAM about the keys found
// in its configuration, never about each user: moto's own request log holds no
// ListAccessKeys but one for each owner of a found key, and one GetAccessKeyLastUsed per
// distinct key found. The live key planted in user data FAILs naming its owner; the
// deactivated one is reported inactive; a key id of no user of this account is recorded as
// "not of this account", a fact and not a gap.
#[test]
fn found_keys_are_looked_up_one_by_one_never_per_user() {
    const USERS: usize = 12;
    let moto = Moto::start();
    let (keys, instance) = block_on(async {
        let cfg = moto.sdk_config().await;
        let keys = scenario::users_with_access_keys(&cfg, USERS).await;
        scenario::deactivate_access_key(&cfg, "key-user-5", &keys[5]).await;
        let instance = scenario::instance_with_user_data(
            &cfg,
            &format!(
                "#!/bin/bash\nexport AWS_ACCESS_KEY_ID={}\n# old: {}\n# vendor: {FOREIGN_KEY}\n\
                 # again: {}\n",
                keys[3], keys[5], keys[3]
            ),
        )
        .await;
        (keys, instance)
    });
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snap.json");
    moto.start_recording();
    let collect = rampart(
        &["collect", "--region", HOME, "--out", snap.to_str().unwrap()],
        &moto.env(),
    );
    assert_eq!(collect.code, 0, "{}", collect.stderr);
    let calls = moto.recorded_calls();
    let of = |action: &str| -> Vec<&str> {
        calls
            .iter()
            .filter(|c| c.action == action)
            .map(|c| c.params.as_str())
            .collect()
    };
    assert!(
        !of("GetAccountAuthorizationDetails").is_empty(),
        "the recording holds the scan's IAM calls: {calls:#?}"
    );
    let listed = of("ListAccessKeys");
    assert_eq!(listed.len(), 2, "one per owner of a found key: {listed:#?}");
    for owner in ["UserName=key-user-3", "UserName=key-user-5"] {
        assert!(
            listed.iter().any(|p| p.split('&').any(|kv| kv == owner)),
            "{owner} in {listed:#?}"
        );
    }
    let asked = of("GetAccessKeyLastUsed");
    assert_eq!(asked.len(), 3, "one per distinct key found: {asked:#?}");
    for key in [&keys[3], &keys[5], &FOREIGN_KEY.to_owned()] {
        assert!(
            asked
                .iter()
                .any(|p| p.contains(&format!("AccessKeyId={key}"))),
            "{key} asked: {asked:#?}"
        );
    }

    // The snapshot keeps the answers by fingerprint, never a key id in clear.
    let text = std::fs::read_to_string(&snap).unwrap();
    for key in keys.iter().map(String::as_str).chain([FOREIGN_KEY]) {
        assert!(!text.contains(key), "a key id is stored in clear");
    }
    let inv: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(inv["schema_version"], rampart_inventory::SCHEMA_VERSION);
    let found = &inv["iam"]["found_keys"]["ok"];
    let answer = |key: &str| &found[rampart_secrets::fingerprint(key.as_bytes())]["owner"];
    assert_eq!(
        answer(FOREIGN_KEY),
        &serde_json::json!({"ok": {"not_in_account": {"account": null}}}),
        "{found:#}"
    );
    assert_eq!(
        answer(&keys[3]),
        &serde_json::json!({"ok": {"user": {"name": "key-user-3", "active": {"ok": true}}}})
    );
    assert_eq!(
        answer(&keys[5]),
        &serde_json::json!({"ok": {"user": {"name": "key-user-5", "active": {"ok": false}}}})
    );

    let run = rampart(
        &[
            "scan",
            "--snapshot",
            snap.to_str().unwrap(),
            "--checks",
            "secrets_live_key_leaked",
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let r = run.json();
    let live = finding(&r, "secrets_live_key_leaked", ":user/key-user-3");
    assert_eq!(live["status"], "FAIL", "{live}");
    let reason = live["reason"].as_str().unwrap();
    assert!(
        reason.contains(&format!(
            "active access key {} of user key-user-3 is exposed in user data of instance \
             {instance}",
            redacted(&keys[3])
        )),
        "{reason}"
    );
    let inactive = finding(&r, "secrets_live_key_leaked", ":user/key-user-5");
    assert_eq!(inactive["status"], "PASS", "{inactive}");
    assert!(
        inactive["reason"].as_str().unwrap().contains(&format!(
            "access key {} of user key-user-5, exposed in user data of instance {instance}",
            redacted(&keys[5])
        )) && inactive["reason"].as_str().unwrap().contains("is inactive"),
        "{inactive}"
    );
    // Nothing about the other users, nor an ERROR.
    assert_eq!(findings(&r).len(), 2, "{:#?}", findings(&r));
}

// Issue 14: `ListAccessKeys` only for the users whose credential report shows a key idle for
// `unused_credentials_days`. moto's keys are created now and cannot be aged: with the
// default threshold (45 days) a collection of an account whose users all have keys, one
// deactivated, makes no ListAccessKeys and the snapshot holds no user's keys (a healthy
// account pays nothing). With `[thresholds] unused_credentials_days = 0` in rampart.toml
// every key is idle (0 days >= 0): `collect` lists each keyed user's keys once, the
// deactivated key's user included, never the user without a key, and `rampart fix
// --snapshot` plans UpdateAccessKey for each active key by its id, matched to its report
// slot by creation time.
#[test]
fn only_users_with_idle_keys_have_their_keys_listed() {
    const USERS: usize = 3;
    let moto = Moto::start();
    let keys = block_on(async {
        let cfg = moto.sdk_config().await;
        let keys = scenario::users_with_access_keys(&cfg, USERS).await;
        scenario::deactivate_access_key(&cfg, "key-user-1", &keys[1]).await;
        aws_sdk_iam::Client::new(&cfg)
            .create_user()
            .user_name("no-key")
            .send()
            .await
            .unwrap();
        keys
    });
    let dir = tempfile::tempdir().unwrap();
    // Collect into `name`: moto's ListAccessKeys requests (their parameters) and the
    // snapshot.
    let collect = |name: &str| {
        let out = dir.path().join(name);
        moto.start_recording();
        let run = rampart_in(
            dir.path(),
            &["collect", "--region", HOME, "--out", out.to_str().unwrap()],
            &moto.env(),
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        let calls = moto.recorded_calls();
        assert!(
            calls.iter().any(|c| c.action == "GetCredentialReport"),
            "the recording holds the collection's IAM calls: {calls:#?}"
        );
        let listed: Vec<String> = calls
            .into_iter()
            .filter(|c| c.action == "ListAccessKeys")
            .map(|c| c.params)
            .collect();
        let text = std::fs::read_to_string(&out).unwrap();
        (
            listed,
            serde_json::from_str::<serde_json::Value>(&text).unwrap(),
        )
    };
    let users_keys = |snap: &serde_json::Value| -> Vec<(String, serde_json::Value)> {
        snap["iam"]["users"]["ok"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| {
                (
                    u["name"].as_str().unwrap().to_owned(),
                    u["access_keys"].clone(),
                )
            })
            .collect()
    };

    let (listed, snap) = collect("fresh.json");
    assert!(listed.is_empty(), "fresh keys are not listed: {listed:#?}");
    let users = users_keys(&snap);
    assert_eq!(users.len(), USERS + 1, "{users:#?}");
    assert!(users.iter().all(|(_, k)| k.is_null()), "{users:#?}");

    write(
        &dir.path().join("rampart.toml"),
        "[thresholds]\nunused_credentials_days = 0\n",
    );
    let (listed, snap) = collect("idle.json");
    let mut named: Vec<&str> = listed
        .iter()
        .flat_map(|p| p.split('&'))
        .filter_map(|kv| kv.strip_prefix("UserName="))
        .collect();
    named.sort_unstable();
    assert_eq!(
        named,
        ["key-user-0", "key-user-1", "key-user-2"],
        "{listed:#?}"
    );
    for (user, listed) in users_keys(&snap) {
        match user.strip_prefix("key-user-") {
            Some(i) => {
                let i: usize = i.parse().unwrap();
                let got = &listed["ok"];
                assert_eq!(got.as_array().map(Vec::len), Some(1), "{user}: {listed}");
                assert_eq!(got[0]["id"], keys[i].as_str(), "{user}");
                assert_eq!(got[0]["active"], i != 1, "{user}");
            }
            None => assert!(listed.is_null(), "{user}: {listed}"),
        }
    }

    let fix = rampart_in(
        dir.path(),
        &[
            "fix",
            "--snapshot",
            dir.path().join("idle.json").to_str().unwrap(),
            "--checks",
            "iam_unused_credentials",
            "--include-disruptive",
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(fix.code, 0, "{}", fix.stderr);
    let plan = fix.json();
    let mut planned: Vec<(String, String, String)> = plan["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let p = &s["calls"][0]["params"];
            (
                p["UserName"].as_str().unwrap().to_owned(),
                p["AccessKeyId"].as_str().unwrap().to_owned(),
                p["Status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    planned.sort();
    let want: Vec<(String, String, String)> = [0, 2]
        .into_iter()
        .map(|i| {
            (
                format!("key-user-{i}"),
                keys[i].clone(),
                "Inactive".to_owned(),
            )
        })
        .collect();
    assert_eq!(planned, want, "not planned: {}", plan["not_planned"]);
}

// Issue 10: a key lookup IAM denies makes that key's finding ERROR with the reason, never a
// PASS: here the auditor may read everything but GetAccessKeyLastUsed.
#[test]
fn a_denied_key_lookup_is_an_error() {
    let moto = Moto::start();
    let (key, keys) = block_on(async {
        let cfg = moto.sdk_config().await;
        let key = scenario::user_with_access_key(&cfg, "deployer").await;
        scenario::instance_with_user_data(&cfg, &format!("AWS_ACCESS_KEY_ID={key}\n")).await;
        let keys = scenario::limited_auditor(
            &cfg,
            &[
                "sts:GetCallerIdentity",
                "iam:GenerateCredentialReport",
                "iam:GetCredentialReport",
                "iam:GetAccountAuthorizationDetails",
                "iam:GetAccountSummary",
                "iam:List*",
                "ec2:Describe*",
                "cloudformation:Describe*",
                "ecs:List*",
                "ecs:Describe*",
                "lambda:List*",
            ],
        )
        .await;
        (key, keys)
    });
    moto.enforce_iam();
    let run = rampart(
        &[
            "scan",
            "--region",
            HOME,
            "--checks",
            "secrets_live_key_leaked",
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
        &moto.env_as(keys),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let r = run.json();
    let all = findings(&r);
    assert!(
        all.iter().all(|f| f["status"] == "ERROR"),
        "never a PASS or FAIL on a key that could not be looked up: {all:#?}"
    );
    let f = finding(&r, "secrets_live_key_leaked", ":root");
    let reason = f["reason"].as_str().unwrap();
    assert!(
        reason.contains(&format!("the owner of key {}", redacted(&key)))
            && reason.contains("AccessDenied on iam:GetAccessKeyLastUsed"),
        "{reason}"
    );
    assert!(!run.stdout.contains(&key), "the key id is printed in full");
    let gaps = r["collection_errors"].as_array().unwrap();
    assert!(
        gaps.iter().any(|g| g["api"] == "iam:GetAccessKeyLastUsed"),
        "{gaps:#?}"
    );
}

/// Access Advisor in the format AWS documents for `GenerateServiceLastAccessedDetails` and
/// `GetServiceLastAccessedDetails` (IAM API reference, examples of both actions), which
/// moto 5.2.1 does not serve: every job answers IN_PROGRESS to its first poll; alice's
/// report comes in two pages; bob's job fails; the rest have one service never used.
mod access_advisor_stub {
    use rampart_faultproxy::{Canned, RequestInfo, Responder};
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};

    fn param(info: &RequestInfo, name: &str) -> Option<String> {
        info.form_body.as_deref()?.split('&').find_map(|kv| {
            let (k, v) = kv.split_once('=')?;
            (k == name).then(|| v.to_owned())
        })
    }

    fn xml(action: &str, result: &str) -> Canned {
        Canned {
            status: 200,
            content_type: "text/xml".into(),
            body: format!(
                "<{action}Response xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">\
                 <{action}Result>{result}</{action}Result>\
                 <ResponseMetadata><RequestId>2f4d1b5e-0000-4000-8000-000000000000</RequestId>\
                 </ResponseMetadata></{action}Response>"
            ),
        }
    }

    const S3: &str = "<member><LastAuthenticated>2026-11-20T10:00:00Z</LastAuthenticated>\
        <TotalAuthenticatedEntities>1</TotalAuthenticatedEntities>\
        <LastAuthenticatedEntity>ENTITY</LastAuthenticatedEntity>\
        <ServiceName>Amazon Simple Storage Service</ServiceName>\
        <ServiceNamespace>s3</ServiceNamespace>\
        <LastAuthenticatedRegion>us-east-1</LastAuthenticatedRegion>\
        <TrackedActionsLastAccessed><member><ActionName>GetObject</ActionName>\
        <LastAccessedTime>2026-11-20T10:00:00Z</LastAccessedTime>\
        <LastAccessedEntity>ENTITY</LastAccessedEntity>\
        <LastAccessedRegion>us-east-1</LastAccessedRegion></member>\
        <member><ActionName>PutObject</ActionName></member></TrackedActionsLastAccessed></member>";
    const DYNAMODB: &str = "<member><ServiceName>Amazon DynamoDB</ServiceName>\
        <TotalAuthenticatedEntities>0</TotalAuthenticatedEntities>\
        <ServiceNamespace>dynamodb</ServiceNamespace></member>";

    /// The responder, and the polls each job received.
    pub fn responder() -> (Responder, Arc<Mutex<HashMap<String, u32>>>) {
        let polls: Arc<Mutex<HashMap<String, u32>>> = Arc::default();
        let seen = Arc::clone(&polls);
        let responder: Responder = Arc::new(move |info: &RequestInfo| {
            if info.service != "iam" {
                return None;
            }
            match info.action.as_str() {
                "GenerateServiceLastAccessedDetails" => {
                    let arn = param(info, "Arn")?;
                    let job = format!("job-{}", arn.rsplit('/').next().unwrap_or_default());
                    Some(xml(
                        "GenerateServiceLastAccessedDetails",
                        &format!("<JobId>{job}</JobId>"),
                    ))
                }
                "GetServiceLastAccessedDetails" => {
                    let job = param(info, "JobId")?;
                    let marker = param(info, "Marker");
                    let n = {
                        let mut polls = seen.lock().unwrap();
                        let n = polls.entry(job.clone()).or_default();
                        *n += 1;
                        *n
                    };
                    let dates = "<JobCreationDate>2026-12-01T08:00:00Z</JobCreationDate>\
                                 <JobType>ACTION_LEVEL</JobType>";
                    if n == 1 {
                        return Some(xml(
                            "GetServiceLastAccessedDetails",
                            &format!(
                                "<JobStatus>IN_PROGRESS</JobStatus>{dates}\
                                      <ServicesLastAccessed/><IsTruncated>false</IsTruncated>"
                            ),
                        ));
                    }
                    let done = format!(
                        "<JobStatus>COMPLETED</JobStatus>{dates}\
                         <JobCompletionDate>2026-12-01T08:00:05Z</JobCompletionDate>"
                    );
                    let entity = "arn:aws:iam::123456789012:user/alice";
                    let body = match (job.as_str(), marker.as_deref()) {
                        ("job-bob", _) => "<JobStatus>FAILED</JobStatus>\
                            <JobCreationDate>2026-12-01T08:00:00Z</JobCreationDate>\
                            <JobType>ACTION_LEVEL</JobType>\
                            <Error><Code>ServiceFailure</Code>\
                            <Message>the report could not be generated</Message></Error>\
                            <ServicesLastAccessed/><IsTruncated>false</IsTruncated>"
                            .to_owned(),
                        ("job-alice", None) => format!(
                            "{done}<ServicesLastAccessed>{}</ServicesLastAccessed>\
                             <IsTruncated>true</IsTruncated><Marker>page-2</Marker>",
                            S3.replace("ENTITY", entity)
                        ),
                        _ => format!(
                            "{done}<ServicesLastAccessed>{DYNAMODB}</ServicesLastAccessed>\
                             <IsTruncated>false</IsTruncated>"
                        ),
                    };
                    Some(xml("GetServiceLastAccessedDetails", &body))
                }
                _ => None,
            }
        });
        (responder, polls)
    }
}

// Issue 12: Access Advisor is read job by job (started, polled with backoff until it
// completes, every page read), a failed job is that principal's gap, and an endpoint that
// does not serve the API at all is one gap, asked once, not one failure per principal.
#[test]
fn access_advisor_jobs_are_polled_paged_and_their_failures_recorded() {
    let moto = Moto::start();
    block_on(async {
        let iam = aws_sdk_iam::Client::new(&moto.sdk_config().await);
        for user in ["alice", "bob", "carol"] {
            iam.create_user().user_name(user).send().await.unwrap();
        }
        iam.create_role()
            .role_name("app")
            .assume_role_policy_document(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
            )
            .send()
            .await
            .unwrap();
    });
    let proxy = rampart_faultproxy::FaultProxy::spawn(
        &moto.endpoint(),
        rampart_faultproxy::Config::default(),
    )
    .unwrap();
    let (responder, polls) = access_advisor_stub::responder();
    proxy.set_responder(Some(responder));
    let mut env = moto.env();
    env.retain(|(k, _)| k != "AWS_ENDPOINT_URL");
    env.push(("AWS_ENDPOINT_URL".into(), proxy.url()));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snap.json");
    let collect = |env: &[(String, String)]| {
        let run = rampart(
            &[
                "collect",
                "--out",
                out.to_str().unwrap(),
                "--region",
                "us-east-1",
            ],
            env,
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        let snap: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        snap
    };
    let snap = collect(&env);
    let sla = &snap["iam"]["service_last_accessed"]["ok"];
    let arn = |name: &str| format!("arn:aws:iam::123456789012:{name}");
    let alice = &sla[arn("user/alice")]["ok"];
    let namespaces: Vec<&str> = alice["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["namespace"].as_str().unwrap())
        .collect();
    assert_eq!(namespaces, ["dynamodb", "s3"], "both pages read: {alice}");
    let s3 = &alice["services"][1];
    assert_eq!(s3["last_authenticated"], "2026-11-20T10:00:00Z");
    assert_eq!(s3["last_authenticated_region"], "us-east-1");
    assert_eq!(s3["tracked_actions"][0]["action"], "GetObject");
    assert_eq!(
        s3["tracked_actions"][1]["last_accessed"],
        serde_json::Value::Null
    );
    assert_eq!(alice["job_completion_date"], "2026-12-01T08:00:05Z");
    let bob = &sla[arn("user/bob")]["missing"];
    assert_eq!(bob["code"], "ServiceFailure", "{sla}");
    assert!(bob["message"].as_str().unwrap().contains("user/bob"));
    for ok in ["user/carol", "role/app"] {
        assert_eq!(
            sla[arn(ok)]["ok"]["services"][0]["namespace"],
            "dynamodb",
            "{ok}: {sla}"
        );
    }
    // Each job was polled again after IN_PROGRESS; alice's twice more (two pages).
    let polls = polls.lock().unwrap().clone();
    assert_eq!(polls["job-alice"], 3, "{polls:?}");
    assert_eq!(polls["job-carol"], 2, "{polls:?}");
    assert_eq!(polls["job-app"], 2, "{polls:?}");
    let errors = snap["errors"].as_array().unwrap();
    assert!(
        errors
            .iter()
            .any(|e| e["api"] == "iam:GetServiceLastAccessedDetails"
                && e["code"] == "ServiceFailure"),
        "{errors:?}"
    );

    // Without the stub, moto cannot answer: one gap for the whole account, and the job is
    // started for the first principal only (with the SDK's retries), not for all four.
    proxy.set_responder(None);
    proxy.reset_stats();
    let snap = collect(&env);
    let gap = &snap["iam"]["service_last_accessed"]["missing"];
    assert_eq!(
        gap["api"], "iam:GenerateServiceLastAccessedDetails",
        "{snap:#}"
    );
    let stats = proxy.stats();
    let started = stats.get("iam", "GenerateServiceLastAccessedDetails").seen;
    assert!((1..=3).contains(&started), "{started} attempts");
    assert_eq!(stats.get("iam", "GetServiceLastAccessedDetails").seen, 0);
}

/// Run `rampart ARGS` with standard error on a pseudo-terminal (util-linux `script`) and
/// standard output to /dev/null, isolated as [`rampart`] runs it, with `env` on top; what
/// the terminal received. None when `script` is not installed.
fn on_a_terminal(args: &[&str], env: &[(String, String)]) -> Option<String> {
    let quote = |s: &str| format!("'{}'", s.replace('\'', r"'\''"));
    let mut line = quote(env!("CARGO_BIN_EXE_rampart"));
    for a in args {
        line.push(' ');
        line.push_str(&quote(a));
    }
    line.push_str(" >/dev/null");
    let mut cmd = std::process::Command::new("script");
    cmd.args(["-qec", &line, "/dev/null"])
        .stdin(std::process::Stdio::null())
        .env("AWS_CONFIG_FILE", "/nonexistent/rampart-test/config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/rampart-test/credentials",
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("RAMPART_NO_STORE", "1")
        .env("TERM", "xterm-256color")
        .env_remove("NO_COLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().ok()?;
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

// Issue 13 (CLI conventions): on a terminal, `scan` shows its progress (parts read out of
// the total, API calls, errors, elapsed time), in colour unless NO_COLOR is set, in which
// case no colour code at all reaches the terminal; when standard error is not a terminal,
// nothing of it is printed.
#[test]
fn progress_on_a_terminal_only_and_without_colour_under_no_color() {
    let moto = Moto::start();
    let args = [
        "scan",
        "--region",
        "us-east-1",
        "--services",
        "iam,s3",
        "--fail-on",
        "none",
    ];
    let plain = rampart(&args, &moto.env());
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    assert!(
        !plain.stderr.contains("regions and services"),
        "{}",
        plain.stderr
    );
    assert!(!plain.stderr.contains('\u{1b}'), "{}", plain.stderr);

    let Some(coloured) = on_a_terminal(&args, &moto.env()) else {
        eprintln!("util-linux `script` is not installed: no pseudo-terminal to test on");
        return;
    };
    let sgr = regex::Regex::new("\u{1b}\\[[0-9;]*m").unwrap();
    // One region and the account-wide parts the iam and s3 checks need: iam, Access Advisor
    // (iam_unused_services), s3, and organizations (the escalation graph's SCPs): five.
    let parts = regex::Regex::new(r"(\d+)/(\d+) regions and services").unwrap();
    let total = |text: &str| {
        parts
            .captures_iter(text)
            .map(|c| c[2].parse::<usize>().unwrap())
            .max()
            .unwrap_or(0)
    };
    assert_eq!(total(&coloured), 5, "{coloured:?}");
    assert!(coloured.contains("API calls"), "{coloured:?}");
    assert!(coloured.contains(" errors"), "{coloured:?}");
    assert!(coloured.contains("rampart: account "), "{coloured:?}");
    assert!(sgr.is_match(&coloured), "{coloured:?}");

    let mut env = moto.env();
    env.push(("NO_COLOR".into(), "1".into()));
    let plain = on_a_terminal(&args, &env).unwrap();
    assert_eq!(total(&plain), total(&coloured), "{plain:?}");
    assert!(!sgr.is_match(&plain), "{plain:?}");

    // Many accounts: accounts done out of the total, the requests of all of them, and each
    // account's outcome printed above the line.
    let dir = tempfile::tempdir().unwrap();
    let accounts = dir.path().join("accounts.yaml");
    write(
        &accounts,
        "accounts:\n  - id: \"123456789012\"\n    name: own\n",
    );
    let run_dir = dir.path().join("run");
    let fleet = [
        "scan",
        "--accounts-file",
        accounts.to_str().unwrap(),
        "--run-dir",
        run_dir.to_str().unwrap(),
        "--region",
        "us-east-1",
        "--services",
        "iam,s3",
        "--fail-on",
        "none",
    ];
    let many = on_a_terminal(&fleet, &env).unwrap();
    assert!(many.contains("/1 accounts · "), "{many:?}");
    assert!(many.contains("API calls"), "{many:?}");
    assert!(
        many.contains("rampart: account 123456789012 (own): "),
        "{many:?}"
    );
    assert!(!sgr.is_match(&many), "{many:?}");
}

// Issue 12, "End to end on moto": the escalation scenario (paths and their blocked twins)
// read back through the collectors: `rampart paths` and the check find every path with its
// methods and none of the blocked ones; the joined chains appear for an instance the
// internet reaches whose role is an administrator, and for a leaked live access key of an
// administrator.
#[test]
fn escalation_paths_and_joined_attack_chains() {
    use std::collections::BTreeMap;
    let moto = Moto::start();
    let account = "123456789012";
    let esc = rampart_policy::scenario::Scenario::escalation(account);
    let (exposed, leaked) = block_on(async {
        let cfg = moto.sdk_config().await;
        rampart_testkit::iam_scenario::build(&cfg, account, &esc).await;
        // An instance the internet reaches, holding the scenario's admin role.
        let exposed = rampart_testkit::iam_scenario::exposed_instance(&cfg, "ec2-admin").await;
        // A live key of an administrator, left in another instance's user data.
        let key = scenario::user_with_access_key(&cfg, "leaky-admin").await;
        aws_sdk_iam::Client::new(&cfg)
            .put_user_policy()
            .user_name("leaky-admin")
            .policy_name("all")
            .policy_document(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
            )
            .send()
            .await
            .unwrap();
        scenario::instance_with_user_data(
            &cfg,
            &format!("#!/bin/sh\nexport AWS_ACCESS_KEY_ID={key}\n"),
        )
        .await;
        (exposed, key)
    });

    let run = rampart(
        &[
            "paths", "--to", "admin", "--region", HOME, "--format", "json",
        ],
        &moto.env(),
    );
    assert_eq!(run.code, 1, "paths exist: {}", run.stderr);
    let r = run.json();
    let found: BTreeMap<String, Vec<String>> = r["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let methods = p["hops"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| h["method"].as_str().unwrap().to_owned())
                .collect();
            (p["from"]["label"].as_str().unwrap().to_owned(), methods)
        })
        .collect();
    for (who, methods) in &esc.escalates {
        assert_eq!(found.get(who), Some(methods), "{who}: {found:#?}");
    }
    // moto 5.2.1 keeps no permissions boundary on a user (CreateUser ignores it and
    // PutUserPermissionsBoundary answers 500), so the twins a user boundary blocks cannot be
    // built on it; the engine's tests cover them on fixtures. Every other twin is checked.
    let user_boundary: Vec<String> = esc
        .users
        .iter()
        .filter(|u| u.boundary.is_some())
        .map(|u| format!("user/{}", u.name))
        .collect();
    let blocked: Vec<&String> = esc
        .blocked
        .iter()
        .filter(|who| !user_boundary.contains(who))
        .collect();
    assert!(blocked.len() >= 11, "{blocked:?}");
    for who in &blocked {
        assert!(
            !found.contains_key(*who),
            "{who} is blocked: {:?}",
            found[*who]
        );
    }
    // One principal's path, hop by hop, in text.
    let (who, methods) = esc.escalates.iter().next().unwrap();
    let run = rampart(&["paths", "--from", who, "--region", HOME], &moto.env());
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.contains(who.as_str()), "{}", run.stdout);
    assert!(
        run.stdout.contains(&methods[0]) || run.stdout.contains("→"),
        "{}",
        run.stdout
    );

    let run = rampart(
        &[
            "scan",
            "--region",
            HOME,
            "--checks",
            "iam_principal_escalates_to_admin,paths_internet_instance_to_privileges,paths_leaked_key_to_privileges",
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
        &moto.env(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let r = run.json();
    for who in esc.escalates.keys() {
        assert_status(
            &r,
            "iam_principal_escalates_to_admin",
            &format!(":{who}"),
            "FAIL",
        );
    }
    for who in &blocked {
        assert_status(
            &r,
            "iam_principal_escalates_to_admin",
            &format!(":{who}"),
            "PASS",
        );
    }
    let chain = finding(&r, "paths_internet_instance_to_privileges", &exposed);
    assert_eq!(chain["status"], "FAIL", "{chain:#}");
    let reason = chain["reason"].as_str().unwrap();
    assert!(reason.contains("ec2-admin"), "{reason}");
    let chains: Vec<&serde_json::Value> = findings(&r)
        .iter()
        .filter(|f| f["check_id"] == "paths_leaked_key_to_privileges" && f["status"] == "FAIL")
        .collect();
    assert!(
        chains
            .iter()
            .any(|f| f["reason"].as_str().unwrap().contains("leaky-admin")),
        "{chains:#?}"
    );
    assert!(
        !run.stdout.contains(&leaked),
        "the key id is printed in full"
    );
}

// Issue 14: each instance's IMDSv1 use over the 14 days before the scan is read from
// CloudWatch with EC2 (no CloudWatch check selected): the sum of its `MetadataNoToken`
// datapoints, 0 when it has none, in one GetMetricData for the region's instances.
#[test]
fn imdsv1_use_of_each_instance_is_read_from_cloudwatch() {
    let moto = Moto::start();
    let (used, unused) = block_on(async {
        let cfg = moto.sdk_config().await;
        let used = scenario::instance_with_user_data(&cfg, "#!/bin/sh\n").await;
        let unused = scenario::instance_with_user_data(&cfg, "#!/bin/sh\n").await;
        scenario::imdsv1_requests(&cfg, &used, &[3.0, 4.0]).await;
        (used, unused)
    });
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snap.json");
    let run = rampart(
        &[
            "scan",
            "--region",
            HOME,
            "--services",
            "ec2",
            "--format",
            "json",
            "--fail-on",
            "none",
            "--save-snapshot",
            snap.to_str().unwrap(),
        ],
        &moto.env(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let inv: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&snap).unwrap()).unwrap();
    let instances = inv["regional"][HOME]["ec2"]["instances"]["ok"]
        .as_array()
        .expect("instances read");
    let no_token = |id: &str| {
        instances
            .iter()
            .find(|i| i["id"] == id)
            .map(|i| i["metadata_no_token"].clone())
    };
    assert_eq!(no_token(&used), Some(serde_json::json!({"ok": 7.0})));
    assert_eq!(no_token(&unused), Some(serde_json::json!({"ok": 0.0})));
    assert_eq!(
        inv["stats"]["api_calls"]["cloudwatch"], 1,
        "one GetMetricData for the region's instances: {}",
        inv["stats"]
    );
}
