package dev.shed.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shed.core.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {
    @TempDir
    Path tmp;

    @Test
    void defaultsWithoutAFile() throws Exception {
        ConfigFile f = new ConfigFile(Store.open(tmp));
        assertThat(f.load()).isEqualTo(StoreConfig.DEFAULTS);
        assertThat(f.get(ConfigKey.EVICTION_POLICY)).isEqualTo("manual");
        assertThat(f.get(ConfigKey.CACHE_BUDGET)).isEqualTo("none");
        assertThat(Files.exists(f.path())).isFalse();
    }

    @Test
    void aSnapshotKeepsTheValuesItReadAndWritesThroughToTheFile() throws Exception {
        Store store = Store.open(tmp);
        ConfigFile f = new ConfigFile(store);
        f.set(ConfigKey.EVICTION_POLICY, "lru");
        ConfigFile snapshot = f.snapshot();
        f.set(ConfigKey.EVICTION_POLICY, "manual");
        assertThat(snapshot.get(ConfigKey.EVICTION_POLICY)).isEqualTo("lru");
        assertThat(snapshot.load().evictionPolicy()).isEqualTo(EvictionPolicy.LRU);
        snapshot.set(ConfigKey.CACHE_BUDGET, "1G");
        assertThat(f.get(ConfigKey.CACHE_BUDGET)).isEqualTo(String.valueOf(1L << 30));
        assertThat(f.get(ConfigKey.EVICTION_POLICY)).as("set on a snapshot keeps the file's other values").isEqualTo("manual");
    }

    @Test
    void setValuesRoundTripAndUnsetRestoresTheDefault() throws Exception {
        Store store = Store.open(tmp);
        ConfigFile f = new ConfigFile(store);
        f.set(ConfigKey.EVICTION_POLICY, "lru");
        f.set(ConfigKey.CACHE_BUDGET, "10G");
        f.set(ConfigKey.PULL_CONCURRENCY, "8");
        f.set(ConfigKey.REGISTRIES_INSECURE, "localhost:5000, reg.local");
        StoreConfig c = new ConfigFile(store).load();
        assertThat(c).isEqualTo(new StoreConfig(EvictionPolicy.LRU, 10L << 30, 8, List.of("localhost:5000", "reg.local"),
                dev.shed.core.materialize.MaterializeOptions.defaults()));
        f.set(ConfigKey.MATERIALIZE_BACKEND, "mkfs.erofs");
        f.set(ConfigKey.MATERIALIZE_COMPRESSION, "lz4");
        assertThat(f.load().materialize()).isEqualTo(dev.shed.core.materialize.MaterializeOptions.defaults()
                .withCompression(dev.shed.core.materialize.MaterializeOptions.Compression.LZ4)
                .withBackend(dev.shed.core.materialize.MaterializeOptions.Backend.MKFS_EROFS));
        assertThat(c.isInsecure("reg.local")).isTrue();
        assertThat(f.get(ConfigKey.CACHE_BUDGET)).isEqualTo(String.valueOf(10L << 30));
        assertThat(f.get(ConfigKey.REGISTRIES_INSECURE)).isEqualTo("localhost:5000,reg.local");
        assertThat(Files.readString(store.layout().configFile())).contains("\"eviction.policy\" : \"lru\"");
        f.unset(ConfigKey.EVICTION_POLICY);
        assertThat(f.load().evictionPolicy()).isEqualTo(EvictionPolicy.MANUAL);
        assertThat(f.isSet(ConfigKey.CACHE_BUDGET)).isTrue();
        assertThat(f.isSet(ConfigKey.EVICTION_POLICY)).isFalse();
    }

    @Test
    void invalidValuesAreRefusedNamingKeyAndValueAndChangeNothing() throws Exception {
        ConfigFile f = new ConfigFile(Store.open(tmp));
        assertThatThrownBy(() -> f.set(ConfigKey.EVICTION_POLICY, "fifo"))
                .hasMessageContaining("eviction.policy").hasMessageContaining("fifo");
        assertThatThrownBy(() -> f.set(ConfigKey.CACHE_BUDGET, "lots")).hasMessageContaining("cache.budget").hasMessageContaining("lots");
        assertThatThrownBy(() -> f.set(ConfigKey.PULL_CONCURRENCY, "0")).hasMessageContaining("pull.concurrency");
        assertThatThrownBy(() -> f.set(ConfigKey.CACHE_BUDGET, "0.0001K"))
                .hasMessage("invalid value '0.0001K' for cache.budget: '0.0001K' is less than one byte");
        assertThatThrownBy(() -> f.set(ConfigKey.CACHE_BUDGET, "0"))
                .hasMessage("invalid value '0' for cache.budget: a budget must be at least 1 byte ('none' for no limit)");
        assertThatThrownBy(() -> f.set(ConfigKey.REGISTRIES_INSECURE, "http://x")).hasMessageContaining("registries.insecure");
        assertThatThrownBy(() -> ConfigKey.of("cache.size")).hasMessageContaining("unknown config key 'cache.size'");
        assertThat(Files.exists(f.path())).isFalse();
    }

    @Test
    void aHandEditedBadValueIsReportedWithTheFileAndUnknownKeysAreKept() throws Exception {
        Store store = Store.open(tmp);
        Files.writeString(store.layout().configFile(), "{\"pull.concurrency\": 99, \"future.key\": true}");
        ConfigFile f = new ConfigFile(store);
        assertThatThrownBy(f::load).hasMessageContaining(store.layout().configFile().toString()).hasMessageContaining("pull.concurrency");
        f.set(ConfigKey.PULL_CONCURRENCY, "4");
        assertThat(f.load().pullConcurrency()).isEqualTo(4);
        assertThat(Files.readString(store.layout().configFile())).contains("future.key");
    }

    @Test
    void byteSizes() {
        assertThat(ByteSizes.parse("1073741824")).isEqualTo(1L << 30);
        assertThat(ByteSizes.parse("500M")).isEqualTo(500L << 20);
        assertThat(ByteSizes.parse("10G")).isEqualTo(10L << 30);
        assertThat(ByteSizes.parse("10GiB")).isEqualTo(10L << 30);
        assertThat(ByteSizes.parse("10GB")).isEqualTo(10_000_000_000L);
        assertThat(ByteSizes.parse("1.5k")).isEqualTo(1536);
        assertThat(ByteSizes.parse("0")).isZero();
        assertThat(ByteSizes.parse("0.5K")).isEqualTo(512);
        assertThatThrownBy(() -> ByteSizes.parse("0.0001K")).hasMessage("'0.0001K' is less than one byte");
        assertThatThrownBy(() -> ByteSizes.parse("0.5")).hasMessage("'0.5' is less than one byte");
        assertThatThrownBy(() -> ByteSizes.parse("-1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ByteSizes.parse("10X")).isInstanceOf(IllegalArgumentException.class);
    }
}
