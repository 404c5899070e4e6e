package dev.shed.erofs.tree;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shed.erofs.EntryType;
import dev.shed.erofs.ErofsEntry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Image order is a depth-first walk with names sorted by unsigned bytes, a directory before its contents. */
class ImageOrderTest {
    @Test
    void comparesComponentByComponentOnUnsignedBytes() {
        FileTree tree = new FileTree(0);
        // "a/b" before "a.txt": the component "a" sorts before "a.txt", though '/' > '.' as characters
        List<String> expected = List.of("", "a", "a/b", "a/b/c", "a.txt", "b", "z", "\u00e9");
        List<Node> nodes = new ArrayList<>();
        for (String p : expected) {
            EntryType type = p.equals("a/b/c") || p.contains(".") || p.equals("\u00e9") ? EntryType.FILE : EntryType.DIRECTORY;
            nodes.add(tree.put(ErofsEntry.builder(p, type).build()));
        }
        for (int i = 0; i < nodes.size(); i++) {
            for (int j = 0; j < nodes.size(); j++) {
                assertThat(Integer.signum(Node.imageOrder(nodes.get(i), nodes.get(j))))
                        .as("%s vs %s", expected.get(i), expected.get(j)).isEqualTo(Integer.signum(i - j));
            }
        }
    }

    @Test
    void aReplacedNodeComparesEqualToItsReplacement() {
        FileTree tree = new FileTree(0);
        Node first = tree.put(ErofsEntry.builder("d/f", EntryType.FILE).build());
        Node second = tree.put(ErofsEntry.builder("d/f", EntryType.FILE).build());
        assertThat(second).isNotSameAs(first);
        assertThat(Node.imageOrder(first, second)).isZero();
    }
}
