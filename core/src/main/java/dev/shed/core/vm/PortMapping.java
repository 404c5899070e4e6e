package dev.shed.core.vm;

/** {@code --publish HOSTPORT:GUESTPORT}: a TCP port on the host's 127.0.0.1 forwarded to the guest. */
public record PortMapping(int hostPort, int guestPort) {
    public PortMapping {
        if (hostPort < 1 || hostPort > 65535 || guestPort < 1 || guestPort > 65535) {
            throw new IllegalArgumentException("ports must be 1-65535: " + hostPort + ":" + guestPort);
        }
    }

    public static PortMapping parse(String s) {
        String[] parts = s.split(":");
        if (parts.length != 2) throw new IllegalArgumentException("--publish " + s + ": expected HOSTPORT:GUESTPORT (e.g. 8080:80)");
        try {
            return new PortMapping(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--publish " + s + ": expected HOSTPORT:GUESTPORT (e.g. 8080:80)");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--publish " + s + ": " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return hostPort + ":" + guestPort;
    }
}
