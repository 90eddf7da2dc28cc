terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "5.100.0" }
  }
}

variable "region" {
  type    = string
  default = "us-east-1"
}

provider "aws" {
  region                      = var.region
  access_key                  = "AKIAEXAMPLE"
  secret_key                  = "example"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

provider "aws" {
  alias                       = "west"
  region                      = "us-west-2"
  access_key                  = "AKIAEXAMPLE"
  secret_key                  = "example"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

resource "aws_launch_template" "trainer" {
  name_prefix   = "trainer-"
  image_id      = "ami-0abcdef1234567890"
  instance_type = "p4d.24xlarge"
  tags          = { team = "ml", cost_center = "cc-42", env = "dev" }
}

resource "aws_autoscaling_group" "trainers" {
  name                = "trainers"
  desired_capacity    = 2
  min_size            = 0
  max_size            = 4
  vpc_zone_identifier = ["subnet-0123456789abcdef0"]
  launch_template {
    id      = aws_launch_template.trainer.id
    version = "$Latest"
  }
  tag {
    key                 = "team"
    value               = "ml"
    propagate_at_launch = true
  }
  tag {
    key                 = "cost_center"
    value               = "cc-42"
    propagate_at_launch = true
  }
}

resource "aws_launch_template" "inference" {
  provider      = aws.west
  name_prefix   = "inference-"
  image_id      = "ami-0abcdef1234567890"
  instance_type = "g5.xlarge"
}

resource "aws_autoscaling_group" "inference" {
  provider            = aws.west
  name                = "inference"
  min_size            = 1
  max_size            = 8
  vpc_zone_identifier = ["subnet-0fedcba9876543210"]
  mixed_instances_policy {
    launch_template {
      launch_template_specification {
        launch_template_id = aws_launch_template.inference.id
      }
      override {
        instance_type = "g5.xlarge"
      }
      override {
        instance_type = "g5.2xlarge"
      }
    }
  }
  tag {
    key                 = "team"
    value               = "serving"
    propagate_at_launch = true
  }
}

resource "aws_eks_node_group" "gpu" {
  cluster_name    = "ml"
  node_group_name = "gpu"
  node_role_arn   = "arn:aws:iam::123456789012:role/eks-node"
  subnet_ids      = ["subnet-0123456789abcdef0"]
  instance_types  = ["g5.12xlarge"]
  scaling_config {
    desired_size = 3
    min_size     = 1
    max_size     = 6
  }
  tags = { team = "research", cost_center = "cc-7" }
}

module "serving" {
  source = "./modules/serving"
}

resource "aws_instance" "west_trainer" {
  provider      = aws.west
  ami           = "ami-0abcdef1234567890"
  instance_type = "p4d.24xlarge"
  tags          = { team = "ml", cost_center = "cc-42", env = "prod" }
}
