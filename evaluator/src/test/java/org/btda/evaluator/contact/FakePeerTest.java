package org.btda.evaluator.contact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.Socket;

import org.junit.jupiter.api.Test;

/** The fixture itself: a script's failure must reach the test, a clean script must not fail it. */
class FakePeerTest {

    @Test
    void aScriptThatThrowsFailsTheTestOnClose() throws Exception {
        FakePeer peer = new FakePeer(c -> {
            c.readHandshake(); // the client below hangs up after 3 bytes: EOFException
        });
        try (Socket s = new Socket(peer.address().getAddress(), peer.address().getPort())) {
            s.getOutputStream().write(new byte[] {1, 2, 3});
        }
        awaitAccepted(peer);
        assertThatThrownBy(peer::close).isInstanceOf(AssertionError.class).hasMessageContaining("fake peer script failed")
                .hasCauseInstanceOf(IOException.class);
    }

    @Test
    void aScriptThatEndsNormallyOrIsHungUpOnCloseDoesNot() throws Exception {
        FakePeer peer = new FakePeer(c -> c.readToEnd());
        Socket s = new Socket(peer.address().getAddress(), peer.address().getPort());
        awaitAccepted(peer);
        peer.close(); // hangs up on the script still reading: no error
        assertThat(s.getInputStream().read()).isEqualTo(-1);
        s.close();
    }

    static void awaitAccepted(FakePeer peer) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (peer.accepted.get() == 0) {
            assertThat(System.nanoTime()).as("accepted").isLessThan(deadline);
            Thread.sleep(5);
        }
    }
}
