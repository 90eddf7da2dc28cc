resource "aws_instance" "gpu" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "g5.xlarge"
  tags          = { team = "serving", cost_center = "cc-7" }
}
