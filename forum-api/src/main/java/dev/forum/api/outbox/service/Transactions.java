package dev.forum.api.outbox.service;

import io.agroal.api.AgroalDataSource;

import java.sql.Connection;
import java.sql.SQLException;

/** One JDBC transaction on a pooled connection, for the outbox's plain-JDBC work (relay, epochs, purge). */
final class Transactions {

    /** Work inside the transaction; what it throws rolls the transaction back. */
    @FunctionalInterface
    interface Work<T> {
        T apply(Connection c) throws SQLException;
    }

    private Transactions() {
    }

    /** Runs {@code work} in one READ COMMITTED transaction: committed if it returns, rolled back if it throws. */
    static <T> T inTransaction(AgroalDataSource dataSource, Work<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.apply(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }
}
