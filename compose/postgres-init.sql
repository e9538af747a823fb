-- One database per service (DESIGN.md §6); runs once, when the volume is first created.
CREATE DATABASE auth;
CREATE DATABASE patient;
CREATE DATABASE doctor;
CREATE DATABASE appointment;
CREATE DATABASE billing;
CREATE DATABASE notification;
CREATE DATABASE analytics;
