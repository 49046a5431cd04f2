# The data sources an Ubuntu cloud image asks (DIB's default: Ec2); set DIB_CLOUD_INIT_DATASOURCES to
# widen it, e.g. "ConfigDrive, OpenStack, Ec2, NoCloud".
export DIB_CLOUD_INIT_DATASOURCES=${DIB_CLOUD_INIT_DATASOURCES:-Ec2}
