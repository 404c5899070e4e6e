package dev.shed.erofs.format;

import java.nio.charset.StandardCharsets;

/**
 * An xattr name split into the EROFS_XATTR_INDEX_* prefix index and the remaining suffix, as
 * struct erofs_xattr_entry stores it (e_name_index + e_name).
 */
public record XattrName(int index, byte[] suffix) {
    private static final String[] PREFIXES = {
            null, "user.", "system.posix_acl_access", "system.posix_acl_default", "trusted.", "lustre.", "security."};

    public static XattrName parse(String fullName) {
        // Longest prefixes first would matter only if one prefix contained another; none does.
        for (int i = 1; i < PREFIXES.length; i++) {
            String prefix = PREFIXES[i];
            boolean exactAcl = i == 2 || i == 3;
            if (exactAcl ? fullName.equals(prefix) : fullName.startsWith(prefix) && fullName.length() > prefix.length()) {
                byte[] suffix = fullName.substring(prefix.length()).getBytes(StandardCharsets.UTF_8);
                if (suffix.length > 255) throw new IllegalArgumentException("xattr name too long: " + fullName);
                return new XattrName(i, suffix);
            }
        }
        throw new IllegalArgumentException("xattr namespace not representable in EROFS "
                + "(user., trusted., security., lustre., system.posix_acl_*): " + fullName);
    }
}
