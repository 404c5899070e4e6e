package dev.shed.cli.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.shed.cli.Shed;
import dev.shed.core.config.ConfigFile;
import dev.shed.core.config.ConfigKey;
import dev.shed.core.oci.Digest;
import dev.shed.core.store.Store;
import dev.shed.registry.RegistryOptions;
import dev.shed.registry.testing.FaultProxy;
import dev.shed.registry.testing.TestImages;
import dev.shed.registry.testing.TestRegistry;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code shed image pull/push} take pull.concurrency and registries.insecure from the store's config; flags win. */
class RegistryConfigTest {
    @TempDir
    Path tmp;

    @Test
    void configGivesTheDefaultsAndFlagsOverrideOrAdd() throws Exception {
        Store store = Store.open(tmp.resolve("store"));
        ConfigFile config = new ConfigFile(store);
        RegistryFlags none = new RegistryFlags();
        assertThat(none.options(config.load()).concurrency()).isEqualTo(RegistryOptions.DEFAULT_CONCURRENCY);
        assertThat(none.options(config.load()).insecureRegistries()).isEmpty();

        config.set(ConfigKey.PULL_CONCURRENCY, "7");
        config.set(ConfigKey.REGISTRIES_INSECURE, "reg.lan:5000,Build.Example");
        RegistryOptions fromConfig = none.options(config.load());
        assertThat(fromConfig.concurrency()).isEqualTo(7);
        assertThat(fromConfig.insecureRegistries()).containsExactlyInAnyOrder("reg.lan:5000", "build.example");

        RegistryFlags flags = new RegistryFlags();
        flags.concurrency = 2;
        flags.insecureRegistries = List.of("other.lan");
        RegistryOptions both = flags.options(config.load());
        assertThat(both.concurrency()).isEqualTo(2);
        assertThat(both.insecureRegistries()).containsExactlyInAnyOrder("reg.lan:5000", "build.example", "other.lan");
    }

    @Test
    void aConfiguredInsecureRegistryIsPulledFromOverPlainHttp() throws Exception {
        TestRegistry.require();
        TestImages.require();
        Optional<InetAddress> lan = nonLoopbackAddress();
        assumeThat(lan).as("a non-loopback IPv4 address on this host").isPresent();
        try (TestRegistry registry = TestRegistry.anonymous(tmp.resolve("registry"))) {
            Path layout = tmp.resolve("layout");
            TestImages.build(layout, "small", List.of(TestImages.smallTree(tmp.resolve("s"), 1)), "linux", "amd64");
            TestImages.push(layout, "small", registry.host() + "/cfg/small:1", false);
            try (FaultProxy lanSide = FaultProxy.on(registry, lan.get())) {
                // not loopback by syntax: only the config makes shed use http:// (https would fail on this server)
                Path root = tmp.resolve("root");
                assertThat(Shed.run(root, "config", "set", "registries.insecure", lanSide.host()).exit()).isZero();
                String ref = lanSide.host() + "/cfg/small:1";
                Shed.Result pull = Shed.run(root, "image", "pull", "-q", ref);
                assertThat(pull.exit()).as(pull.err()).isZero();
                assertThat(pull.out().trim()).isEqualTo(ref + "@" + Digest.of(TestImages.rawManifest(registry.host() + "/cfg/small:1")));
                assertThat(lanSide.seen()).isNotEmpty();

                Shed.Result push = Shed.run(root, "image", "push", "-q", ref, lanSide.host() + "/cfg/copy:1");
                assertThat(push.exit()).as(push.err()).isZero();
            }
        }
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws Exception {
        for (NetworkInterface nif : java.util.Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nif.isUp() || nif.isLoopback()) continue;
            for (InetAddress a : java.util.Collections.list(nif.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
