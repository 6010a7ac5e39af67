package io.notifyhub.model.config;

import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.core.convert.converter.GenericConverter;
import org.springframework.data.convert.ReadingConverter;
import org.springframework.data.convert.WritingConverter;

/** The store's converters of a type kept as a string value: one writer and one reader per type. */
final class ValueConverters {

    private ValueConverters() {}

    static <T> List<GenericConverter> of(Class<T> type, Function<T, String> value, Function<String, T> of) {
        return List.of(new Writer<>(type, value), new Reader<>(type, of));
    }

    @WritingConverter
    private record Writer<T>(Class<T> type, Function<T, String> value) implements GenericConverter {
        @Override
        public Set<ConvertiblePair> getConvertibleTypes() {
            return Set.of(new ConvertiblePair(type, String.class));
        }

        @Override
        public Object convert(Object source, TypeDescriptor sourceType, TypeDescriptor targetType) {
            return source == null ? null : value.apply(type.cast(source));
        }
    }

    @ReadingConverter
    private record Reader<T>(Class<T> type, Function<String, T> of) implements GenericConverter {
        @Override
        public Set<ConvertiblePair> getConvertibleTypes() {
            return Set.of(new ConvertiblePair(String.class, type));
        }

        @Override
        public Object convert(Object source, TypeDescriptor sourceType, TypeDescriptor targetType) {
            return source == null ? null : of.apply((String) source);
        }
    }
}
