//! Accounts built to break rampart (issue 9): data an endpoint may send that once crashed a
//! scan or misplaced a finding, each built in moto by one function.

use crate::catalogue::{lambda_role, EMPTY_ZIP, PLANTED_GITHUB_TOKEN};
use aws_config::SdkConfig;

/// A Lambda function whose name is `len` characters long (moto takes any length; the SDK
/// once panicked putting such a name in GetPolicy's URI). Returns the name.
pub async fn lambda_with_long_name(cfg: &SdkConfig, len: usize) -> String {
    use aws_sdk_lambda::primitives::Blob;
    use aws_sdk_lambda::types::{FunctionCode, Runtime};
    let role = lambda_role(&aws_sdk_iam::Client::new(cfg), "long-name-exec").await;
    let name = "f".repeat(len);
    aws_sdk_lambda::Client::new(cfg)
        .create_function()
        .function_name(&name)
        .runtime(Runtime::Python312)
        .role(role)
        .handler("app.handler")
        .code(
            FunctionCode::builder()
                .zip_file(Blob::new(EMPTY_ZIP.to_vec()))
                .build(),
        )
        .send()
        .await
        .unwrap();
    name
}

/// An ECS task definition (family `line-breaks`, container `app`) whose first environment
/// variable names hold line breaks, then `GITHUB_TOKEN` holding [`PLANTED_GITHUB_TOKEN`].
pub async fn ecs_env_names_with_line_breaks(cfg: &SdkConfig) {
    use aws_sdk_ecs::types::{ContainerDefinition, KeyValuePair};
    let var = |name: &str, value: &str| KeyValuePair::builder().name(name).value(value).build();
    aws_sdk_ecs::Client::new(cfg)
        .register_task_definition()
        .family("line-breaks")
        .container_definitions(
            ContainerDefinition::builder()
                .name("app")
                .image("app:1")
                .memory(128)
                .environment(var("A\nB\nC\nD", "plain"))
                .environment(var("E\r\nF", "plain"))
                .environment(var("GITHUB_TOKEN", PLANTED_GITHUB_TOKEN))
                .environment(var("QUEUE", "orders"))
                .build(),
        )
        .send()
        .await
        .unwrap();
}

/// A VPC and a security group tagged with [`PLANTED_GITHUB_TOKEN`] (tag `deploy-token`) and
/// a `Name`. Returns the VPC id and the group id.
pub async fn ec2_tags_with_secrets(cfg: &SdkConfig) -> (String, String) {
    use aws_sdk_ec2::types::{ResourceType, Tag, TagSpecification};
    let tags = |kind: ResourceType, name: &str| {
        TagSpecification::builder()
            .resource_type(kind)
            .tags(Tag::builder().key("Name").value(name).build())
            .tags(
                Tag::builder()
                    .key("deploy-token")
                    .value(PLANTED_GITHUB_TOKEN)
                    .build(),
            )
            .build()
    };
    let ec2 = aws_sdk_ec2::Client::new(cfg);
    let vpc = ec2
        .create_vpc()
        .cidr_block("10.42.0.0/16")
        .tag_specifications(tags(ResourceType::Vpc, "tagged-vpc"))
        .send()
        .await
        .unwrap()
        .vpc()
        .unwrap()
        .vpc_id()
        .unwrap()
        .to_owned();
    let sg = ec2
        .create_security_group()
        .group_name("tagged-sg")
        .description("tagged")
        .vpc_id(&vpc)
        .tag_specifications(tags(ResourceType::SecurityGroup, "tagged-sg"))
        .send()
        .await
        .unwrap()
        .group_id()
        .unwrap()
        .to_owned();
    (vpc, sg)
}

/// A launch template (`plain-template`, no user data). Returns its id.
pub async fn launch_template(cfg: &SdkConfig) -> String {
    use aws_sdk_ec2::types::RequestLaunchTemplateData;
    aws_sdk_ec2::Client::new(cfg)
        .create_launch_template()
        .launch_template_name("plain-template")
        .launch_template_data(
            RequestLaunchTemplateData::builder()
                .image_id("ami-12c6146b")
                .build(),
        )
        .send()
        .await
        .unwrap()
        .launch_template()
        .unwrap()
        .launch_template_id()
        .unwrap()
        .to_owned()
}
