# Builds the btda fat jar and runs one service per container (see docker-compose.yml).
# Not buildable on the project's own machines (no Docker engine there); kept in step with the CLI by hand.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests -pl launcher -am package

FROM eclipse-temurin:17-jre
WORKDIR /opt/btda
COPY --from=build /src/launcher/target/btda.jar /opt/btda/btda.jar
COPY sql /opt/btda/sql
ENV BTDA_HOME=/opt/btda
ENTRYPOINT ["java", "-jar", "/opt/btda/btda.jar"]
