package dev.forum.api.message.mapping;

import dev.forum.api.upload.mapping.UploadView;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Image;
import org.commonmark.node.Link;
import org.commonmark.node.Node;
import org.commonmark.node.Text;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Markdown images may show only images uploaded here ({@code ![alt](/api/forum/uploads/<id>)}): the page's CSP
 * blocks every other origin, and an image from elsewhere would tell that site who reads the message and when.
 * Any other image becomes a link to its URL, its alt text (or the URL) as the link text.
 */
final class UploadImages {

    static final Pattern UPLOAD_URL = Pattern.compile(Pattern.quote(UploadView.PATH)
            + "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private UploadImages() {
    }

    /** Replaces each image of the document that is not an upload by a link. */
    static void linkForeignImages(Node document) {
        List<Image> foreign = new ArrayList<>();
        document.accept(new AbstractVisitor() {
            @Override
            public void visit(Image image) {
                if (!UPLOAD_URL.matcher(image.getDestination()).matches()) {
                    foreign.add(image);
                }
                visitChildren(image);
            }
        });
        for (Image image : foreign) {
            Link link = new Link(image.getDestination(), image.getTitle());
            Node child = image.getFirstChild();
            if (child == null) {
                link.appendChild(new Text(image.getDestination()));
            }
            while (child != null) {
                Node next = child.getNext();
                link.appendChild(child);
                child = next;
            }
            image.insertBefore(link);
            image.unlink();
        }
    }
}
