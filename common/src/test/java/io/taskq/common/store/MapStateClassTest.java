package io.taskq.common.store;

import net.openhft.chronicle.hash.VanillaGlobalMutableState;
import net.openhft.chronicle.values.Values;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The build puts the class Chronicle Map needs for its header state into this module's classes, and Chronicle
 * Values takes it from there instead of compiling one with javac at run time.
 */
class MapStateClassTest {
    @Test
    void shouldServeChronicleMapsStateClassFromTheBuildInsteadOfCompilingIt() {
        Class<?> used = Values.nativeClassFor(VanillaGlobalMutableState.class);
        assertEquals(MapStateClass.NAME, used.getName());
        // A class compiled at run time by Chronicle's in-memory compiler has no code source in this module.
        assertNotNull(used.getProtectionDomain().getCodeSource(), "a class compiled at run time, not the build's");
        assertEquals(MapStateClass.class.getProtectionDomain().getCodeSource().getLocation(),
                used.getProtectionDomain().getCodeSource().getLocation(), "where the class was loaded from");
    }
}
