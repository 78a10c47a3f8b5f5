package dev.forum.api.upload;

import dev.forum.api.common.Times;
import io.quarkus.hibernate.orm.panache.Panache;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Uploads in the forum's database, table {@code forum_upload} (V8), bytes included. */
@ApplicationScoped
@Transactional(Transactional.TxType.REQUIRED)
public class PostgresUploadStore implements UploadStore {

    @Override
    public void save(StoredUpload upload) {
        Panache.getEntityManager().createNativeQuery("""
                        INSERT INTO forum_upload (id, uploader_id, content_type, bytes, sha256, size_bytes, width, height, created_at)
                        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)""")
                .setParameter(1, upload.id()).setParameter(2, upload.uploaderId()).setParameter(3, upload.contentType())
                .setParameter(4, upload.bytes()).setParameter(5, upload.sha256()).setParameter(6, upload.sizeBytes())
                .setParameter(7, upload.width()).setParameter(8, upload.height()).setParameter(9, upload.createdAt())
                .executeUpdate();
    }

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<StoredUpload> findById(UUID id) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = Panache.getEntityManager().createNativeQuery("""
                        SELECT id, uploader_id, content_type, bytes, sha256, width, height, created_at
                        FROM forum_upload WHERE id = ?1""")
                .setParameter(1, id).getResultList();
        return rows.stream().findFirst().map(r -> new StoredUpload((UUID) r[0], ((Number) r[1]).longValue(),
                (String) r[2], (byte[]) r[3], (String) r[4], ((Number) r[5]).intValue(), ((Number) r[6]).intValue(),
                Times.instant(r[7])));
    }
}
