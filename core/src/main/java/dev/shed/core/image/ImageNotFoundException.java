package dev.shed.core.image;

/** A name or digest the user gave does not name an image in the store. */
public final class ImageNotFoundException extends RuntimeException {
    public ImageNotFoundException(String message) {
        super(message);
    }
}
