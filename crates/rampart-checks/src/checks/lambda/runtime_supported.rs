//! `lambda_runtime_supported`: Lambda functions run on a runtime AWS still supports.

use super::over_functions;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};
use chrono::NaiveDate;

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "lambda_runtime_supported",
    title: "Lambda functions run on supported runtimes",
    service: "lambda",
    severity: Severity::Medium,
    what: "Whether each function's managed runtime (`Runtime`) has reached its deprecation \
           date, as listed in the Lambda runtimes documentation, by the time the snapshot \
           was collected. Container-image functions choose their runtime in the image and \
           are not examined here; runtimes not in the table (newer ones, or custom runtime \
           names) pass.",
    why: "After deprecation a runtime no longer receives security patches, and Lambda later \
          blocks creating and then updating functions on it: a vulnerable function that can \
          no longer be fixed in place.",
    fix: "Test the code on a supported runtime, then: aws lambda update-function-configuration \
          --function-name <FUNCTION> --runtime <SUPPORTED_RUNTIME> --region <REGION>",
    references: &[
        "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html",
        "https://docs.aws.amazon.com/lambda/latest/dg/runtime-support-policy.html",
    ],
    cis: &[],
    needs: &[Service::Lambda],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

/// Runtime identifiers and their deprecation dates (year, month, day), from the AWS Lambda
/// runtimes documentation (supported and deprecated runtime tables). Keep in step with
/// that page when AWS announces or moves a date.
const DEPRECATIONS: &[(&str, (i32, u32, u32))] = &[
    ("nodejs", (2016, 10, 31)),
    ("nodejs4.3", (2020, 3, 5)),
    ("nodejs4.3-edge", (2020, 3, 5)),
    ("nodejs6.10", (2019, 8, 12)),
    ("nodejs8.10", (2020, 3, 6)),
    ("nodejs10.x", (2021, 7, 30)),
    ("nodejs12.x", (2023, 3, 31)),
    ("nodejs14.x", (2023, 12, 4)),
    ("nodejs16.x", (2024, 6, 12)),
    ("nodejs18.x", (2025, 9, 1)),
    ("nodejs20.x", (2026, 4, 30)),
    ("nodejs22.x", (2027, 4, 30)),
    ("python2.7", (2021, 7, 15)),
    ("python3.6", (2022, 7, 18)),
    ("python3.7", (2023, 12, 4)),
    ("python3.8", (2024, 10, 14)),
    ("python3.9", (2025, 12, 15)),
    ("python3.10", (2026, 6, 30)),
    ("python3.11", (2026, 6, 30)),
    ("python3.12", (2028, 10, 31)),
    ("python3.13", (2029, 6, 30)),
    ("java8", (2024, 1, 8)),
    ("java8.al2", (2026, 6, 30)),
    ("java11", (2026, 6, 30)),
    ("java17", (2026, 6, 30)),
    ("java21", (2029, 6, 30)),
    ("dotnetcore1.0", (2019, 7, 27)),
    ("dotnetcore2.0", (2019, 5, 30)),
    ("dotnetcore2.1", (2022, 1, 5)),
    ("dotnetcore3.1", (2023, 4, 3)),
    ("dotnet5.0", (2022, 5, 10)),
    ("dotnet6", (2024, 11, 12)),
    ("dotnet7", (2024, 5, 14)),
    ("dotnet8", (2026, 11, 10)),
    ("ruby2.5", (2021, 7, 30)),
    ("ruby2.7", (2023, 11, 27)),
    ("ruby3.2", (2026, 3, 31)),
    ("ruby3.3", (2027, 3, 31)),
    ("go1.x", (2024, 1, 8)),
    ("provided", (2024, 1, 8)),
    ("provided.al2", (2026, 6, 30)),
    ("provided.al2023", (2029, 6, 30)),
];

/// The deprecation date of a runtime, if the table has it.
fn deprecation(runtime: &str) -> Option<NaiveDate> {
    DEPRECATIONS
        .iter()
        .find(|(id, _)| *id == runtime)
        .and_then(|(_, (y, m, d))| NaiveDate::from_ymd_opt(*y, *m, *d))
}

fn run(ctx: &Context) -> Vec<Finding> {
    let today = ctx.now().date_naive();
    over_functions(ctx, &META, |f, function| {
        let name = format!("function {}", function.name);
        let Some(runtime) = function.runtime.as_deref() else {
            return f.pass(format!(
                "{name} is a container image: its runtime is chosen in the image, not by Lambda"
            ));
        };
        match deprecation(runtime) {
            Some(date) if date <= today => f.fail(format!(
                "{name} runs on {runtime}, deprecated since {date} ({} day(s) before \
                 collection)",
                (today - date).num_days()
            )),
            Some(date) => f.pass(format!(
                "{name} runs on {runtime}, supported until {date} ({} day(s) after collection)",
                (date - today).num_days()
            )),
            None => f.pass(format!(
                "{name} runs on {runtime}, which has no deprecation date in rampart's table"
            )),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{run_check, Fixture};
    use crate::checks::lambda::testing::{function, lambda};
    use rampart_inventory::{Collected, Function};

    fn on(name: &str, runtime: Option<&str>) -> Function {
        Function {
            runtime: runtime.map(String::from),
            ..function(name)
        }
    }

    // Practice: runtimes past their deprecation date at collection (2026-06-01) fail, with
    // the date; one deprecated later passes, naming its date; container images and
    // runtimes outside the table pass.
    #[test]
    fn pass_and_fail() {
        let mut fx = Fixture::new();
        lambda(&mut fx).functions = Collected::Ok(vec![
            on("current", Some("python3.12")),
            on("soon", Some("python3.11")),
            on("node20", Some("nodejs20.x")),
            on("py38", Some("python3.8")),
            on("go", Some("go1.x")),
            on("image", None),
            on("newer", Some("python3.14")),
        ]);
        insta::assert_json_snapshot!("pass_and_fail", run_check(&CHECK, &fx.inv));
    }

    // The table holds valid dates and no runtime twice.
    #[test]
    fn table_is_well_formed() {
        let mut seen = std::collections::BTreeSet::new();
        for (id, _) in DEPRECATIONS {
            assert!(deprecation(id).is_some(), "{id} has an invalid date");
            assert!(seen.insert(id), "{id} is listed twice");
        }
    }
}
