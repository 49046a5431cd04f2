# The data sources a Debian cloud image asks, in order; set DIB_CLOUD_INIT_DATASOURCES to narrow it.
export DIB_CLOUD_INIT_DATASOURCES=${DIB_CLOUD_INIT_DATASOURCES:-ConfigDrive, OpenStack, Ec2, NoCloud, OpenNebula}
