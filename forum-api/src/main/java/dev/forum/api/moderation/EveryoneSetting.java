package dev.forum.api.moderation;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** The single row saying whether @everyone mentions are enabled (the emergency switch). */
@Entity
@Table(name = "everyone_setting")
public class EveryoneSetting extends PanacheEntityBase {

    public static final short SINGLETON_ID = 1;

    @Id
    public Short id;

    public boolean enabled;

    @Column(name = "changed_by")
    public Long changedBy;

    @Column(name = "changed_at")
    public Instant changedAt;

    public static EveryoneSetting current() {
        return findById(SINGLETON_ID);
    }
}
