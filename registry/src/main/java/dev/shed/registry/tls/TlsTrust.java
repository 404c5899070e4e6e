package dev.shed.registry.tls;

import dev.shed.core.oci.RegistryHost;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Which certificate authorities a command trusts beyond the system's: CA files given for the command
 * ({@code --ca-cert}) and CA files configured per registry ({@code registries.ca-certs HOST[:PORT]=FILE}). The
 * system's trust store is always honoured as well (see {@link RegistryTrustManager}). A registry with a CA file is
 * reached over HTTPS even when it is a loopback host: naming a CA for it says it speaks TLS.
 *
 * @param caFiles         PEM files trusted for this command's registry
 * @param registryCaFiles PEM file per registry ({@code host[:port]}, lower case), from the store's config
 */
public record TlsTrust(List<Path> caFiles, Map<String, Path> registryCaFiles) {
    public static final TlsTrust SYSTEM = new TlsTrust(List.of(), Map.of());

    public TlsTrust {
        caFiles = List.copyOf(caFiles);
        registryCaFiles = registryCaFiles.entrySet().stream()
                .collect(Collectors.toUnmodifiableMap(e -> e.getKey().toLowerCase(Locale.ROOT), Map.Entry::getValue));
    }

    /** The CA files to trust when talking to {@code registry} ({@code host[:port]}): the command's, then the configured one. */
    public List<Path> caFilesFor(String registry) {
        List<Path> out = new ArrayList<>(caFiles);
        Path configured = RegistryHost.settingKeys(registry).stream().map(registryCaFiles::get)
                .filter(java.util.Objects::nonNull).findFirst().orElse(null);
        if (configured != null && !out.contains(configured)) out.add(configured);
        return out;
    }

    public TlsTrust withCaFiles(List<Path> files) {
        return new TlsTrust(files, registryCaFiles);
    }
}
