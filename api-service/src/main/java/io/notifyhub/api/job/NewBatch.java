package io.notifyhub.api.job;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;
import org.bson.types.ObjectId;

/** A validated batch: its jobs in request order. */
record NewBatch(List<NewJob> jobs) {

    /** Most jobs in one batch. */
    static final int MAX_JOBS = 1000;

    NewBatch {
        jobs = List.copyOf(jobs);
    }

    /** SHA-256 of the jobs' fingerprints in order; never equal to a single job's fingerprint. */
    String fingerprint() {
        MessageDigest sha = sha256();
        sha.update("batch".getBytes(StandardCharsets.US_ASCII));
        for (NewJob job : jobs) {
            sha.update((":" + job.fingerprint()).getBytes(StandardCharsets.US_ASCII));
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Fresh ids, one per job. */
    List<ObjectId> newIds() {
        List<ObjectId> ids = new ArrayList<>(jobs.size());
        jobs.forEach(job -> ids.add(new ObjectId()));
        return ids;
    }

    /**
     * Ids derived from the one an {@code Idempotency-Key} fixed: the same key gives the same ids in the same
     * order, so a repeat that takes over a dead first try stores no second copy. Each is the base's timestamp
     * and 8 bytes of SHA-256(base, index): nothing a generated ObjectId (timestamp, process, counter) collides
     * with in practice.
     */
    List<ObjectId> idsFor(ObjectId base) {
        return IntStream.range(0, jobs.size())
                .mapToObj(index -> derive(base, index))
                .toList();
    }

    static ObjectId derive(ObjectId base, int index) {
        MessageDigest sha = sha256();
        sha.update(base.toByteArray());
        sha.update(ByteBuffer.allocate(Integer.BYTES).putInt(index).array());
        byte[] hash = sha.digest();
        ByteBuffer id = ByteBuffer.allocate(12).putInt(base.getTimestamp()).put(hash, 0, 8);
        return new ObjectId(id.array());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
