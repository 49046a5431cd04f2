package io.jdib.check;

/** A published guide that asks images for something; each rule names the guides behind it. */
public enum Guide {
    OPENSTACK(
            "openstack",
            "OpenStack Virtual Machine Image Guide, image requirements"
                    + " (docs.openstack.org/image-guide/openstack-images.html)"),
    EGI("egi", "EGI Cloud Compute, virtual machine image best practices"),
    OPENNEBULA("opennebula", "OpenNebula, preparing images for contextualization"),
    DIB("dib", "diskimage-builder's cloud image elements (cloud-init-datasources, vm)");

    private final String id;
    private final String title;

    Guide(String id, String title) {
        this.id = id;
        this.title = title;
    }

    /** The short name the report prints. */
    public String id() {
        return id;
    }

    public String title() {
        return title;
    }
}
