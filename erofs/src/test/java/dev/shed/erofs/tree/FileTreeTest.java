package dev.shed.erofs.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shed.erofs.EntryType;
import dev.shed.erofs.ErofsEntry;
import org.junit.jupiter.api.Test;

/**
 * The tree remembers the directory of the last entry put, so a sibling that follows needs no walk: these are the
 * cases where that shortcut would go wrong if it were not dropped or checked.
 */
class FileTreeTest {
    private static ErofsEntry e(String path, EntryType type) {
        return ErofsEntry.builder(path, type).build();
    }

    @Test
    void aDirectoryReplacedByAFileTakesItsSubtreeAndTheNextSiblingIsRefused() {
        FileTree tree = new FileTree(0);
        tree.put(e("a/b/c", EntryType.FILE));
        Node fifo = tree.put(e("a/b", EntryType.FIFO));
        assertThatThrownBy(() -> tree.put(e("a/b/d", EntryType.FILE)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a directory");
        assertThat(fifo.children).isNull();
        assertThat(tree.root().children.get("a").children.get("b")).isSameAs(fifo);
    }

    @Test
    void anAncestorReplacedByAFileTakesTheRememberedDirectoryWithIt() {
        FileTree tree = new FileTree(0);
        tree.put(e("x/y/z/f1", EntryType.FILE));
        tree.put(e("x", EntryType.FILE));
        assertThatThrownBy(() -> tree.put(e("x/y/z/f2", EntryType.FILE)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a directory");
        assertThat(tree.root().children.get("x").type).isEqualTo(EntryType.FILE);
    }

    @Test
    void aDirectoryReAddedKeepsItsChildrenAndSiblingsStillLandInIt() {
        FileTree tree = new FileTree(0);
        tree.put(e("a/b/c", EntryType.FILE));
        Node b = tree.put(ErofsEntry.builder("a/b", EntryType.DIRECTORY).permissions(0700).build());
        tree.put(e("a/b/d", EntryType.FILE));
        assertThat(b.children).containsOnlyKeys("c", "d");
        assertThat(b.permissions).isEqualTo(0700);
        assertThat(tree.root().children.get("a").children.get("b")).isSameAs(b);
    }

    @Test
    void siblingNamesAreCheckedLikeAnyOther() {
        FileTree tree = new FileTree(0);
        tree.put(e("a/f", EntryType.FILE));
        for (String bad : new String[] {"a/.", "a/..", "a/" + "n".repeat(256), "a/" + "\u00e9".repeat(128)}) {
            assertThatThrownBy(() -> tree.put(e(bad, EntryType.FILE))).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        tree.put(e("a/" + "\u20ac".repeat(85), EntryType.FILE));   // 255 bytes of UTF-8: the longest name
        assertThatThrownBy(() -> tree.put(e("a/" + "\u20ac".repeat(86), EntryType.FILE)))
                .hasMessageContaining("longer than 255 bytes");
        assertThat(tree.root().children.get("a").children).hasSize(2);
    }

    @Test
    void aRefusedPathChangesNothing() {
        FileTree tree = new FileTree(0);
        tree.put(e("a/f", EntryType.FILE));
        assertThatThrownBy(() -> tree.put(e("new/dir/../x", EntryType.FILE))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tree.put(e("a/sub/./x", EntryType.FILE))).isInstanceOf(IllegalArgumentException.class);
        assertThat(tree.root().children).containsOnlyKeys("a");
        assertThat(tree.root().children.get("a").children).containsOnlyKeys("f");
    }
}
